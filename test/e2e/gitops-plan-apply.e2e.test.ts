// GitOps end to end: the built `ff` binary, a real server on
// a random port, real temporary Git repositories. Each test uses its own
// tenant on one server, so the tests do not depend on each other.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAgainst, remoteState, startGitopsServer, tenantFiles, type GitopsServer } from '../cli/support/ff-server.js';
import { AUTHOR, createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { FF_BIN, ROOT } from '../cli/support/run-ff.js';
import { stripAnsi } from '../../cli/io/colors.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('GitOps against the $store store', ({ store }) => {
  let tmp: TempDir;
  let ff: GitopsServer;

  beforeAll(async () => {
    tmp = await tempDir('ff-gitops-e2e-');
    ff = await startGitopsServer([], {}, store);
  });
  afterAll(async () => {
    await ff?.close();
    await tmp?.remove();
  });

  const REMOTE = 'git@github.com:acme/flags.git';

  /** A Git repository holding SMALL_REPO's tenant under `tenant`, committed, and a runner for the binary. */
  async function setUp(tenant: string) {
    const repo = await createGitRepo(join(tmp.path, tenant), REMOTE);
    await repo.write(tenantFiles(SMALL_REPO, tenant));
    const sha = repo.commit('Add the banner flag');
    const token = await ff.token([tenant], 'ci');
    const run = ffAgainst(ff.url, token);
    const dir = join(repo.path, 'flags');
    return { repo, sha, token, run, dir, state: () => remoteState(ff.server, tenant, token) };
  }

  const flagsFile = (repo: GitRepo, tenant: string) => join(repo.path, 'flags', tenant, 'flags.yaml');

  async function editFlags(repo: GitRepo, tenant: string, from: string, to: string): Promise<void> {
    const file = flagsFile(repo, tenant);
    const content = readFileSync(file, 'utf8');
    expect(content).toContain(from);
    await repo.write({ [`flags/${tenant}/flags.yaml`]: content.replace(from, to) });
  }

  /** util-linux `script` gives the child a pseudo-terminal, so ff sees a TTY on stdin and stdout. */
  const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

  function runInTerminal(args: string[], env: Record<string, string>, typed: string): Promise<{ code: number | null; output: string }> {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, FF_BIN, ...args].map(quote).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output: stripAnsi(output).replace(/\r/g, '') }));
      child.stdin.end(typed);
    });
  }

  function oneErrorLine(stderr: string, code: string): void {
    const last = stderr.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(new RegExp(`^Error ${code}: `));
    expect(stderr).not.toMatch(/\n\s+at /);
  }

  describe('ff plan and ff apply', () => {
    it('plans every resource as a create, applies it, then plans no change', async () => {
      const { run, dir, state } = await setUp('first');
      const plan = await run(['plan', dir, '--tenant', 'first', '--detailed-exitcode']);
      expect(plan.stderr).toBe('');
      expect(plan.code).toBe(2);
      for (const line of ['+ create environment dev', '+ create environment prod', '+ create segment staff', '+ create flag banner']) {
        expect(plan.stdout).toContain(line);
      }
      expect(plan.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 4 to create, 0 to update, 0 to delete.');

      const json = await run(['plan', dir, '--tenant', 'first', '--format', 'json']);
      expect(json.code).toBe(0);
      const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object;
      const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
      const document = JSON.parse(json.stdout) as { summary: unknown; base_revision: number };
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
      expect(document.summary).toEqual({ create: 4, update: 0, delete: 0, drift: 0 });
      expect(document.base_revision).toBe(0);

      const apply = await run(['apply', dir, '--tenant', 'first', '--auto-approve']);
      expect(apply.code).toBe(0);
      expect(apply.stdout).toContain('Plan: 4 to create, 0 to update, 0 to delete.');
      expect(apply.stdout).toContain('Applied to tenant first: revision 0 → 1.');
      expect((await state()).revision).toBe(1);

      const again = await run(['plan', dir, '--tenant', 'first', '--detailed-exitcode']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('No changes: the server already matches the files.');
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete.');
    });

    it('shows an edit field by field, and the audit rows carry the commit that applied it', async () => {
      const { repo, run, dir, token } = await setUp('edits');
      expect((await run(['apply', dir, '-t', 'edits', '--auto-approve'])).code).toBe(0);

      await editFlags(repo, 'edits', 'rollout: { green: 50, blue: 50 }', 'rollout: { green: 25, blue: 75 }');
      const sha = repo.commit('Send fewer users to green\n\nThe green banner hurts conversion.');
      const plan = await run(['plan', dir, '-t', 'edits']);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('~ update flag banner');
      expect(plan.stdout).toContain('prod.rules[1].serve.rollout.green: 50 → 25');
      expect(plan.stdout).toContain('prod.rules[1].serve.rollout.blue: 50 → 75');
      expect(plan.stdout).toMatch(/⚠ prod\.rules\[1\]: share of green goes down 50% → 25%/);
      expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');

      const markdown = await run(['plan', dir, '-t', 'edits', '--format', 'markdown']);
      expect(markdown.stdout.startsWith('<!-- ff-plan:edits -->\n')).toBe(true);
      expect(markdown.stdout).toContain('<details>');
      expect(markdown.stdout).toContain('`prod.rules[1].serve.rollout.green`: `50 → 25`');

      const apply = await run(['apply', dir, '-t', 'edits', '--auto-approve']);
      expect(apply.code).toBe(0);
      expect(apply.stdout).toContain('Applied to tenant edits: revision 1 → 2.');

      const audit = await ff.server.call('GET', `/v1/audit?commit=${sha}`, { tenant: 'edits', token });
      expect(audit.status).toBe(200);
      const rows = (audit.json as { items: { source: string; key: string; action: string; commit: Record<string, unknown> }[] }).items;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'git', key: 'banner', action: 'update' });
      expect(rows[0]!.commit).toMatchObject({
        sha,
        message: 'Send fewer users to green\n\nThe green banner hurts conversion.',
        author: AUTHOR.name,
        email: AUTHOR.email,
        branch: 'main',
        remote_url: REMOTE,
        dirty: false,
      });

      const trail = await run(['audit', '-t', 'edits', '--flag', 'banner', '--limit', '1']);
      expect(trail.code).toBe(0);
      expect(trail.stdout).toContain(`commit ${sha.slice(0, 12)} "Send fewer users to green" by ${AUTHOR.name}`);
      expect(trail.stdout).toContain(`https://github.com/acme/flags/commit/${sha}`);
      const trailJson = JSON.parse((await run(['audit', '-t', 'edits', '--commit', sha.slice(0, 8), '--json'])).stdout) as { commit_url: string }[];
      expect(trailJson.map((r) => r.commit_url)).toEqual([`https://github.com/acme/flags/commit/${sha}`]);
    });

    it('shows a forced REST change as drift, and the apply restores what Git says', async () => {
      const { run, dir, state } = await setUp('drifty');
      expect((await run(['apply', dir, '-t', 'drifty', '--auto-approve'])).code).toBe(0);
      const fromGit = (await state()).state.flags.find((f) => f.key === 'banner')!;

      const mallory = await ff.token(['drifty'], 'mallory');
      const edited = { ...fromGit, description: 'changed over REST' };
      const refused = await ff.server.call('PUT', '/v1/flags/banner', { tenant: 'drifty', token: mallory, body: edited, headers: { 'if-match': '*' } });
      expect(refused.status).toBe(409);
      const forced = await ff.server.call('PUT', '/v1/flags/banner?force=true', { tenant: 'drifty', token: mallory, body: edited, headers: { 'if-match': '*' } });
      expect(forced.status).toBe(200);

      const plan = await run(['plan', dir, '-t', 'drifty', '--detailed-exitcode']);
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain('~ update flag banner');
      expect(plan.stdout).toContain('description: - "changed over REST"');
      expect(plan.stdout).toMatch(/↯ drift: changed on the server outside Git by mallory \(api\) at \d{4}-\d\d-\d\dT/);
      expect(plan.stdout).toContain('Drift: 1 resource was changed on the server outside Git');
      const json = JSON.parse((await run(['plan', dir, '-t', 'drifty', '-f', 'json'])).stdout) as { summary: { drift: number } };
      expect(json.summary.drift).toBe(1);

      expect((await run(['apply', dir, '-t', 'drifty', '--auto-approve'])).code).toBe(0);
      const after = await state();
      expect(after.state.flags.find((f) => f.key === 'banner')).toEqual(fromGit);
      expect(after.resources['flag:banner']?.drift).toBeUndefined();
      expect((await run(['plan', dir, '-t', 'drifty', '--detailed-exitcode'])).code).toBe(0);
    });

    it('refuses the second of two plans made from one base as stale', async () => {
      const { repo, run, dir, state } = await setUp('stale');
      await editFlags(repo, 'stale', 'variant: blue\n', 'variant: green\n');
      const sha = repo.commit('Green by default');
      const first = join(tmp.path, 'stale-1.plan.json');
      const second = join(tmp.path, 'stale-2.plan.json');
      expect((await run(['plan', dir, '-t', 'stale', '--out', first])).code).toBe(0);
      const saved = await run(['plan', dir, '-t', 'stale', '--out', second]);
      expect(saved.stderr).toContain(`Saved the plan to ${second}: apply it with \`ff apply ${second}\``);
      const savedPlan = JSON.parse(readFileSync(second, 'utf8')) as Record<string, unknown>;
      expect(savedPlan).toMatchObject({ format: 'ff-saved-plan', version: 2, tenant: 'stale', environments: null, server: ff.url, base_revision: 0 });
      expect(savedPlan).toMatchObject({ commit: { sha, branch: 'main', dirty: false }, state: { tenant: 'stale' } });
      expect(savedPlan.files_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(savedPlan.plan_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(savedPlan.plan_hash).toBe(JSON.parse(readFileSync(first, 'utf8')).plan_hash);

      const applied = await run(['apply', first, '--auto-approve']);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Applied to tenant stale: revision 0 → 1.');
      const before = await state();

      const refused = await run(['apply', second, '--auto-approve']);
      expect(refused.code).toBe(3);
      oneErrorLine(refused.stderr, 'STALE_PLAN');
      expect(refused.stderr).toContain('computed against revision 0, the server is at revision 1; re-run ff plan');
      expect(refused.stderr).toContain('revision 1');
      expect(refused.stderr).toMatch(/flag:banner/);
      expect((await state()).hash).toBe(before.hash);
    });

    it('applies a saved plan from any directory, with the commit it was planned from', async () => {
      const { repo, run, dir, token } = await setUp('anywhere');
      await editFlags(repo, 'anywhere', 'variant: blue\n', 'variant: green\n');
      const planned = repo.commit('Green by default');
      const file = join(tmp.path, 'anywhere.plan.json');
      expect((await run(['plan', dir, '-t', 'anywhere', '--out', file])).code).toBe(0);
      // The checkout moves on (and even disappears from view): the plan still applies as reviewed.
      await editFlags(repo, 'anywhere', 'variant: green\n', 'variant: blue\n');
      repo.commit('Back to blue');
      const applied = await run(['apply', file, '--auto-approve'], { cwd: tmp.path });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const audit = await ff.server.call('GET', '/v1/audit?key=banner', { tenant: 'anywhere', token });
      expect(audit.json.items[0].commit.sha).toBe(planned);
    });

    it('applies a saved plan from a checkout with the same files, recording that checkout\'s commit', async () => {
      const { repo, run, dir, token } = await setUp('merged');
      await editFlags(repo, 'merged', 'variant: blue\n', 'variant: green\n');
      repo.commit('Green by default');
      const file = join(tmp.path, 'merged.plan.json');
      expect((await run(['plan', dir, '-t', 'merged', '--out', file])).code).toBe(0);
      // A merge commit holding the same files (here: an empty commit on top).
      repo.git('commit', '-q', '--allow-empty', '-m', 'Merge pull request #7');
      const merge = repo.head();
      const applied = await run(['apply', dir, '--plan', file, '--auto-approve']);
      expect(applied.code).toBe(0);
      const audit = await ff.server.call('GET', '/v1/audit?key=banner', { tenant: 'merged', token });
      expect(audit.json.items[0].commit.sha).toBe(merge);
    });

    it('refuses a saved plan whose files changed since, when applied from the files', async () => {
      const { repo, run, dir, state } = await setUp('moved');
      const file = join(tmp.path, 'moved.plan.json');
      expect((await run(['plan', dir, '-t', 'moved', '--out', file])).code).toBe(0);
      await editFlags(repo, 'moved', 'variant: blue\n', 'variant: green\n');
      repo.commit('Green by default');
      const r = await run(['apply', dir, '--plan', file, '--auto-approve']);
      expect(r.code).toBe(3);
      oneErrorLine(r.stderr, 'PLAN_FILES_CHANGED');
      expect((await state()).revision).toBe(0);
    });

    it('changes nothing when the server rejects an apply', async () => {
      const { repo, run, dir, state } = await setUp('rejects');
      // A second flag, so that removing it later is a deletion.
      const original = readFileSync(flagsFile(repo, 'rejects'), 'utf8');
      await repo.write({
        'flags/rejects/extra.yaml': 'version: 1\nflags:\n  - key: extra\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n',
      });
      repo.commit('Add extra');
      expect((await run(['apply', dir, '-t', 'rejects', '--auto-approve'])).code).toBe(0);
      const before = await state();

      // Deletions without --allow-delete.
      await repo.remove('flags/rejects/extra.yaml');
      repo.commit('Remove extra');
      const deletion = await run(['apply', dir, '-t', 'rejects', '--auto-approve']);
      expect(deletion.code).toBe(1);
      oneErrorLine(deletion.stderr, 'DELETES_NOT_ALLOWED');
      expect(deletion.stderr).toContain('--allow-delete');
      expect(deletion.stderr).toContain('extra');
      expect(await state()).toMatchObject({ revision: before.revision, hash: before.hash });

      // A state that is valid in the files but not on the server: an environment-scoped
      // apply takes only the flags' environment blocks, not the new segment they use.
      await repo.write({
        'flags/rejects/flags.yaml': original
          .replace('segments:\n', 'segments:\n  - key: vips\n    include: [vip-9]\n')
          .replace('- segment: staff', '- segment: vips'),
      });
      repo.commit('Target VIPs');
      const invalid = await run(['apply', dir, '-t', 'rejects', '--env', 'prod', '--auto-approve']);
      expect(invalid.code).toBe(1);
      oneErrorLine(invalid.stderr, 'INVALID_STATE');
      expect(invalid.stderr).toContain('nothing was changed');
      expect(await state()).toMatchObject({ revision: before.revision, hash: before.hash });

      // With deletes allowed and the whole tenant, the same files apply.
      const ok = await run(['apply', dir, '-t', 'rejects', '--allow-delete', '--auto-approve']);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('- delete flag extra');
    });

    it('creates no revision when the same commit is applied twice', async () => {
      const { run, dir, state, token } = await setUp('twice');
      expect((await run(['apply', dir, '-t', 'twice', '--auto-approve'])).code).toBe(0);
      const before = await state();
      const auditBefore = await ff.server.call('GET', '/v1/audit?limit=200', { tenant: 'twice', token });
      const second = await run(['apply', dir, '-t', 'twice', '--auto-approve']);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe('No changes: tenant twice already matches the files; the revision stays 1.\n');
      expect(await state()).toMatchObject({ revision: before.revision, hash: before.hash });
      const auditAfter = await ff.server.call('GET', '/v1/audit?limit=200', { tenant: 'twice', token });
      expect((auditAfter.json as { items: unknown[] }).items).toHaveLength((auditBefore.json as { items: unknown[] }).items.length);
    });

    it('refuses uncommitted changes inside the flags folder unless --allow-dirty, which is recorded', async () => {
      const { repo, run, dir, token } = await setUp('dirty');
      // Outside the flags folder: not the applied files, not dirty.
      await repo.write({ 'README.md': 'notes\n' });
      await editFlags(repo, 'dirty', 'variant: blue\n', 'variant: green\n');
      const refused = await run(['apply', dir, '-t', 'dirty', '--auto-approve']);
      expect(refused.code).toBe(1);
      oneErrorLine(refused.stderr, 'DIRTY_TREE');
      expect(refused.stderr).toContain('flags/dirty/flags.yaml');
      expect(refused.stderr).not.toContain('README.md');

      const forced = await run(['apply', dir, '-t', 'dirty', '--auto-approve', '--allow-dirty']);
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain('recorded as dirty');
      const audit = await ff.server.call('GET', '/v1/audit?key=banner', { tenant: 'dirty', token });
      const rows = (audit.json as { items: { commit: { sha: string; dirty?: boolean } }[] }).items;
      expect(rows[0]?.commit).toMatchObject({ sha: repo.head(), dirty: true });
    });

    it('never prompts without a terminal: it needs --auto-approve, and applies nothing', async () => {
      const { run, dir, state } = await setUp('noprompt');
      const r = await run(['apply', dir, '-t', 'noprompt']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      oneErrorLine(r.stderr, 'APPROVAL_REQUIRED');
      expect((await state()).revision).toBe(0);
    });

    it.skipIf(!HAS_SCRIPT)('on a terminal, shows the plan and applies only after "yes"', async () => {
      const { run, dir, state, token } = await setUp('asks');
      const env = { FF_SERVER: ff.url, FF_TOKEN: token };
      const declined = await runInTerminal(['apply', dir, '-t', 'asks'], env, 'no\n');
      expect(declined.code).toBe(1);
      expect(declined.output).toContain('+ create flag banner');
      expect(declined.output).toContain(`Apply these changes to tenant asks on ${ff.url}? Only "yes" is accepted:`);
      expect(declined.output).toContain('Error APPLY_CANCELLED: apply cancelled: nothing was changed');
      expect((await state()).revision).toBe(0);

      const approved = await runInTerminal(['apply', dir, '-t', 'asks'], env, 'yes\n');
      expect(approved.code).toBe(0);
      expect(approved.output).toContain('Plan: 4 to create, 0 to update, 0 to delete.');
      expect(approved.output).toContain('Applied to tenant asks: revision 0 → 1.');
      expect((await state()).revision).toBe(1);
      // Nothing left to ask about: no prompt at all.
      const nothing = await runInTerminal(['apply', dir, '-t', 'asks'], env, '');
      expect(nothing.code).toBe(0);
      expect(nothing.output).toContain('No changes: tenant asks already matches the files; the revision stays 1.');
      expect(nothing.output).not.toContain('Only "yes"');
      expect((await run(['plan', dir, '-t', 'asks', '--detailed-exitcode'])).code).toBe(0);
    });

    it('plans nothing from invalid files', async () => {
      const { repo, run, dir, state } = await setUp('invalid');
      await editFlags(repo, 'invalid', '- segment: staff', '- segment: ghosts');
      repo.commit('Break it');
      for (const args of [['plan', dir, '-t', 'invalid'], ['apply', dir, '-t', 'invalid', '--auto-approve']]) {
        const r = await run(args);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/flags\.yaml:\d+:\d+ {2}error {4}\S+ {2}/);
        oneErrorLine(r.stderr, 'REPO_INVALID');
      }
      expect((await state()).revision).toBe(0);
    });
  });
});
