// The shipped GitHub Action (github-action/action.yml) end to end, as far as
// can be done off GitHub: its composite steps run in order through bash
// (test/github-action/support/composite-runner.ts), installing the packed
// @ff/cli tarball, against a real ff server that accepts only GitHub OIDC
// tokens (signed by a stand-in issuer), a real Git repository, and a stand-in
// for api.github.com on 127.0.0.1. The artifact actions are replaced by a
// folder copy; everything else is the action's own code. On both stores: the
// server's stale-plan and drift checks are what the jobs rely on.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantFiles } from '../cli/support/ff-server.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { ROOT } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';
import { storeMatrix } from '../support/postgres.js';
import { accessFile, startFakeGithubOidc, type FakeGithubOidc, type GithubClaims } from '../server/support/github-oidc.js';
import { runComposite, type CompositeResult } from './support/composite-runner.js';
import { JOB_TOKEN, startGithubStub, type GithubStub } from './support/github-stub.js';

const AUDIENCE = 'https://flags.acme.test';
const REPOSITORY = 'acme/flags';
const WORKFLOW = `${REPOSITORY}/.github/workflows/ff.yml`;
const ACTION_DIR = join(ROOT, 'github-action');

describe.each(storeMatrix())('the GitHub Action against the $store store', ({ store }) => {
  let tmp: TempDir;
  let oidc: FakeGithubOidc;
  let github: GithubStub;
  let ff: TestServer;
  let repo: GitRepo;
  let tarball: string;
  let runs = 0;
  const artifactDir = () => join(tmp.path, 'artifacts');

  beforeAll(async () => {
    tmp = await tempDir('ff-action-e2e-');
    const packed = JSON.parse(execFileSync('npm', ['pack', join(ROOT, 'cli'), '--pack-destination', tmp.path, '--json'], { encoding: 'utf8' })) as { filename: string }[];
    tarball = join(tmp.path, packed[0]!.filename);
    oidc = await startFakeGithubOidc(AUDIENCE);
    github = await startGithubStub(REPOSITORY, oidc);
    writeFileSync(join(tmp.path, 'ci-access.yaml'), accessFile(oidc.jwksUrl, AUDIENCE));
    ff = await startTestServer({ env: { FF_CI_ACCESS_FILE: join(tmp.path, 'ci-access.yaml') }, store });
    repo = await createGitRepo(join(tmp.path, 'flags-repo'), `https://github.com/${REPOSITORY}.git`);
    await repo.write({ 'README.md': '# flags\n' });
    repo.commit('Start');
  }, 120_000);
  afterAll(async () => {
    await ff?.close();
    await github?.close();
    await oidc?.close();
    await tmp?.remove();
  });

  interface Job {
    event: 'pull_request' | 'push' | 'workflow_dispatch';
    /** GITHUB_SHA: for a pull request GitHub's test merge (never planned), else the commit on main. */
    sha: string;
    /** What actions/checkout leaves in the workspace. */
    checkout: string;
    payload: Record<string, unknown>;
    claims: GithubClaims;
    inputs?: Record<string, string>;
  }

  /** One job running the action, as the example workflow calls it. */
  async function runJob(job: Job): Promise<CompositeResult & { summary: string; runId: number }> {
    const runId = ++runs;
    const runner = join(tmp.path, `run-${runId}`);
    mkdirSync(runner, { recursive: true });
    writeFileSync(join(runner, 'event.json'), JSON.stringify(job.payload));
    writeFileSync(join(runner, 'summary.md'), '');
    repo.git('checkout', '-q', job.checkout);
    github.job = job.claims;
    const result = await runComposite({
      actionDir: ACTION_DIR,
      inputs: { server: ff.url, 'oidc-audience': AUDIENCE, 'cli-package': tarball, ...job.inputs },
      github: { event_name: job.event, sha: job.sha, repository: REPOSITORY, token: JOB_TOKEN },
      cwd: repo.path,
      env: {
        HOME: tmp.path,
        PATH: process.env.PATH ?? '',
        npm_config_cache: join(tmp.path, 'npm-cache'),
        GITHUB_EVENT_NAME: job.event,
        GITHUB_EVENT_PATH: join(runner, 'event.json'),
        GITHUB_SHA: job.sha,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_API_URL: github.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: String(runId),
        GITHUB_WORKSPACE: repo.path,
        GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
        RUNNER_TEMP: runner,
        ACTIONS_ID_TOKEN_REQUEST_URL: github.oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.oidcRequestToken,
      },
      uses: {
        'actions/setup-node@v4': (w) => expect(w['node-version']).toBe('20'),
        'actions/upload-artifact@v4': (w) => {
          expect(w['if-no-files-found']).toBe('error');
          cpSync(w.path as string, join(artifactDir(), String(runId), w.name as string), { recursive: true });
          github.artifacts.push({ id: 9000 + runId, name: w.name as string, expired: false, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, runId)).toISOString(), workflow_run: { id: runId } });
        },
        'actions/download-artifact@v4': (w) => {
          expect(w['github-token']).toBe(JOB_TOKEN);
          cpSync(join(artifactDir(), w['run-id'] as string, w.name as string), w.path as string, { recursive: true });
        },
      },
    });
    return { ...result, summary: readFileSync(join(runner, 'summary.md'), 'utf8'), runId };
  }

  const prClaims = (n: number): GithubClaims => ({ repository: REPOSITORY, ref: `refs/pull/${n}/merge`, event_name: 'pull_request', job_workflow_ref: `${WORKFLOW}@refs/pull/${n}/merge` });
  const mainClaims = (event = 'push'): GithubClaims => ({ repository: REPOSITORY, ref: 'refs/heads/main', event_name: event, job_workflow_ref: `${WORKFLOW}@refs/heads/main` });

  /** A pull request: a branch off main with one commit; planned by the action as GitHub would run it. */
  async function openPull(n: number, change: (r: GitRepo) => Promise<void>) {
    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '-b', `pr-${n}`);
    await change(repo);
    const head = repo.commit(`Pull request #${n}`);
    repo.git('checkout', '-q', 'main');
    github.pullsByCommit.set(head, [{ number: n, head: { sha: head }, merge_commit_sha: null, merged_at: null }]);
    const plan = (inputs?: Record<string, string>) =>
      runJob({
        event: 'pull_request',
        sha: 'f'.repeat(40), // GitHub's test merge: the action must plan the head, not this
        checkout: head,
        payload: { pull_request: { number: n, head: { sha: head } } },
        claims: prClaims(n),
        ...(inputs ? { inputs } : {}),
      });
    return { n, head, plan };
  }

  /** Merges the pull request into main with a merge commit (as the merge button does) and runs the apply job. */
  function mergeAndApply(pull: { n: number; head: string }) {
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', `Merge pull request #${pull.n}`, `pr-${pull.n}`);
    const merge = repo.head();
    github.pullsByCommit.set(merge, [{ number: pull.n, head: { sha: pull.head }, merge_commit_sha: merge, merged_at: '2026-12-01T00:00:00Z' }]);
    return { merge, result: runJob({ event: 'push', sha: merge, checkout: merge, payload: { after: merge }, claims: mainClaims() }) };
  }

  async function editFlags(r: GitRepo, from: string, to: string) {
    const file = join(r.path, 'flags/acme/flags.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    await r.write({ 'flags/acme/flags.yaml': text.replace(from, to) });
  }

  const revision = async () => (await ff.call('GET', '/v1/state', { tenant: 'acme', token: await ff.token({ tenants: ['acme'] }) })).json.revision as number;
  const auditHead = async () => (await ff.call('GET', '/v1/audit?limit=1', { tenant: 'acme', token: await ff.token({ tenants: ['acme'] }) })).json.items[0];
  const commentsOn = (n: number) => github.comments.filter((c) => c.issue === n);

  // Each job installs the CLI with npm and runs several ff processes: minutes on a busy 2-core machine.
  describe('the ff GitHub Action', { timeout: 240_000 }, () => {
    it('plans a pull request into one comment on its head commit, uploads the plan, and applies exactly it on merge', async () => {
      const pull = await openPull(1, (r) => r.write(tenantFiles(SMALL_REPO, 'acme')));
      const planned = await pull.plan();
      expect(planned.outcome, planned.steps.map((s) => `${s.name}: ${s.outcome}\n${s.stderr}`).join('\n')).toBe('success');
      expect(planned.outputs).toMatchObject({ mode: 'plan', changes: 'true' });
      const [comment, ...others] = commentsOn(1);
      expect(others).toEqual([]);
      expect(comment!.body).toContain('<!-- ff-plan-comment -->');
      expect(comment!.body).toContain(`For commit \`${pull.head.slice(0, 12)}\``);
      expect(comment!.body).not.toContain('ffffffffffff');
      expect(comment!.body).toContain('<!-- ff-plan:acme -->');
      expect(comment!.body).toMatch(/\*\*Plan: \d+ to create, 0 to update, 0 to delete\.\*\*/);
      expect(comment!.body).toMatch(/<!-- ff-plan-meta \{"head_sha":"[0-9a-f]{40}","artifact":"ff-plan-[0-9a-f]{40}","tenants":\{"acme":\{"base_revision":0,"plan_hash":"sha256:[0-9a-f]{64}"\}\}\} -->/);
      expect(planned.summary).toContain('<!-- ff-plan:acme -->');
      expect(github.artifacts.map((a) => a.name)).toContain(`ff-plan-${pull.head}`);
      // ff lint ran after the plan: its findings are annotations; warnings do not fail the job.
      expect(planned.steps.find((s) => s.name === 'Lint')?.outcome).toBe('success');
      expect(planned.outputs).toMatchObject({ lint: 'passed' });
      expect(planned.stdout).toMatch(/^::warning file=flags\/acme\/flags\.yaml,line=\d+,col=\d+,.*title=LINT_OWNER_MISSING::flag "banner" has no owner/m);

      // A second push re-plans into the same comment.
      const again = await pull.plan();
      expect(again.outcome).toBe('success');
      expect(commentsOn(1)).toHaveLength(1);

      const { merge, result } = mergeAndApply(pull);
      const applied = await result;
      expect(applied.outcome, applied.steps.map((s) => `${s.name}: ${s.outcome}\n${s.stderr}`).join('\n')).toBe('success');
      expect(applied.outputs).toMatchObject({ mode: 'apply', applied: 'acme', stale: '' });
      expect(applied.stdout).toContain('Applied to tenant acme: revision 0 → 1.');
      expect(await revision()).toBe(1);
      expect((await auditHead()).commit.sha).toBe(merge);
      expect((await auditHead()).actor).toBe('ci:repo:acme/flags:ref:refs/heads/main');
    });

    it('refuses the second of two pull requests planned against one revision, and posts its fresh plan instead', async () => {
      const two = await openPull(2, (r) => editFlags(r, 'variant: blue\n', 'variant: green\n'));
      const three = await openPull(3, (r) => r.write({ 'flags/acme/extra.yaml': 'version: 1\nflags:\n  - key: extra\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n' }));
      expect((await two.plan()).outcome).toBe('success');
      expect((await three.plan()).outcome).toBe('success');
      expect(commentsOn(2)[0]!.body).toContain('"base_revision":1');
      expect(commentsOn(3)[0]!.body).toContain('"base_revision":1');

      const first = mergeAndApply(two);
      expect((await first.result).outcome).toBe('success');
      expect(await revision()).toBe(2);

      const second = mergeAndApply(three);
      const refused = await second.result;
      expect(refused.outcome).toBe('failure');
      expect(refused.outputs).toMatchObject({ applied: '', stale: 'acme' });
      expect(await revision()).toBe(2);
      const notice = commentsOn(3).at(-1)!.body;
      expect(notice).toContain('## ⚠️ ff did not apply this merge');
      expect(notice).toContain('PLAN_FILES_CHANGED');
      expect(notice).toContain(`reviewed-commit: ${second.merge}`);
      expect(notice).toMatch(/\*\*Plan: 1 to create, 0 to update, 0 to delete\.\*\*/);
      expect(github.artifacts.map((a) => a.name)).toContain(`ff-plan-${second.merge}`);
      expect(refused.steps.find((s) => s.name === 'Upload the fresh plan for review')!.outcome).toBe('success');

      // Reviewed, then applied by hand: exactly that fresh plan.
      const dispatched = await runJob({
        event: 'workflow_dispatch',
        sha: second.merge,
        checkout: second.merge,
        payload: { inputs: { 'reviewed-commit': second.merge } },
        claims: mainClaims('workflow_dispatch'),
        inputs: { 'reviewed-commit': second.merge },
      });
      expect(dispatched.outcome, dispatched.steps.map((s) => `${s.name}: ${s.outcome}\n${s.stderr}`).join('\n')).toBe('success');
      expect(await revision()).toBe(3);
      expect((await auditHead()).commit.sha).toBe(second.merge);
    });

    it('refuses a reviewed plan when a REST change landed before the merge, naming it', async () => {
      const four = await openPull(4, (r) => editFlags(r, 'variant: green\n', 'variant: blue\n'));
      expect((await four.plan()).outcome).toBe('success');
      const admin = await ff.token({ tenants: ['acme'], sub: 'alice' });
      const current = await ff.call('GET', '/v1/flags/banner', { tenant: 'acme', token: admin });
      const put = await ff.call('PUT', '/v1/flags/banner?force=true', {
        tenant: 'acme',
        token: admin,
        body: { ...current.json.data, description: 'changed over REST' },
        headers: { 'if-match': current.headers.get('etag')! },
      });
      expect(put.status).toBe(200);
      const before = await revision();

      const { result } = mergeAndApply(four);
      const refused = await result;
      expect(refused.outcome).toBe('failure');
      expect(await revision()).toBe(before);
      const notice = commentsOn(4).at(-1)!.body;
      expect(notice).toContain('STALE_PLAN');
      expect(notice).toContain(`the server is at revision ${before}`);
      expect(notice).toMatch(/alice/);
      expect(notice).toContain('↯ drift');
    });

    it('a pull request’s job cannot apply, even when its workflow asks to', async () => {
      const five = await openPull(5, (r) => editFlags(r, 'variant: blue\n', 'variant: green\n'));
      expect((await five.plan()).outcome).toBe('success');
      const before = await revision();
      const forced = await runJob({
        event: 'pull_request',
        sha: 'e'.repeat(40),
        checkout: five.head,
        payload: { pull_request: { number: 5, head: { sha: five.head } } },
        claims: prClaims(5),
        inputs: { mode: 'apply', 'reviewed-commit': five.head },
      });
      expect(forced.outcome).toBe('failure');
      expect(forced.stdout + forced.steps.map((s) => s.stderr).join('')).toMatch(/FORBIDDEN/);
      expect(await revision()).toBe(before);
    });

    it('says so in the comment, and plans nothing, when the files are invalid', async () => {
      const six = await openPull(6, (r) => r.write({ 'flags/acme/broken.yaml': 'version: 1\nflags:\n  - key: oops\n' }));
      const planned = await six.plan();
      expect(planned.outcome).toBe('failure');
      expect(planned.stdout).toMatch(/^::error file=flags\/acme\/broken\.yaml,line=3,/m);
      expect(commentsOn(6)[0]!.body).toContain('❌ `ff validate` found errors');
      // Lint judges valid files only: it did not run.
      expect(planned.steps.find((s) => s.name === 'Lint')?.outcome).toBe('skipped');
      expect(github.artifacts.map((a) => a.name)).not.toContain(`ff-plan-${six.head}`);
    });

    it('lint-usage: ff lint --usage asks the server with the plan’s credentials, and reports a flag nobody evaluated', async () => {
      const seven = await openPull(7, async (r) => {
        // First committed long ago, so lint judges its usage (a flag newer than unusedDays is not judged).
        await r.write({ 'flags/acme/old.yaml': 'version: 1\nflags:\n  - key: old-flag\n    owner: web\n    kind: permission\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n' });
        r.git('add', '-A');
        execFileSync('git', ['commit', '-q', '-m', 'An old flag'], { cwd: r.path, env: { ...process.env, GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z' } });
        await r.write({ 'README.md': '# flags, with an old flag\n' });
      });
      const planned = await seven.plan({ 'lint-usage': 'true' });
      expect(planned.steps.find((s) => s.name === 'Lint')?.outcome, planned.steps.map((s) => `${s.name}: ${s.outcome}\n${s.stderr}`).join('\n')).toBe('success');
      expect(planned.outputs).toMatchObject({ lint: 'passed' });
      expect(planned.stdout).toMatch(/^::warning file=flags\/acme\/old\.yaml,line=\d+,col=\d+,.*title=LINT_NOT_EVALUATED::.*old-flag/m);

      // Anything but true or false is refused, before ff runs.
      const wrong = await seven.plan({ 'lint-usage': 'yes' });
      expect(wrong.steps.find((s) => s.name === 'Lint')?.outcome).toBe('failure');
      expect(wrong.steps.find((s) => s.name === 'Lint')?.stderr + wrong.stdout).toContain('lint-usage must be true or false, not yes');
    });
  });
});
