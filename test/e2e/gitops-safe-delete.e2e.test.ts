// Safe delete end to end: the built `ff` binary against a real server, real
// Git repositories and a real source tree. A flag deletion is in use when the
// flag was evaluated recently (usage), is a prerequisite of a flag that stays,
// or is referenced in the code (--refs); `ff plan` shows the evidence, `ff
// apply` refuses without --allow-delete-in-use, and the server refuses the
// first two on its own when the API is called directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAgainst, remoteState, startGitopsServer, tenantFiles, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

const boolFlag = (key: string, extra = '') => `  - key: ${key}
    owner: web
    type: boolean
    variants: { on: true, off: false }
    offVariant: off${extra}
    environments:
      prod:
        enabled: true
        default: { variant: on }
`;
const PREREQ = `
    prerequisites:
      - flag: gate
        variant: on`;

const EXTRA = [boolFlag('legacy'), boolFlag('gate'), boolFlag('guarded', PREREQ), boolFlag('unused'), boolFlag('coded')].join('');

describe.each(storeMatrix())('safe delete on the $store store', ({ store }) => {
  let tmp: TempDir;
  let ff: GitopsServer;

  beforeAll(async () => {
    tmp = await tempDir('ff-safe-delete-e2e-');
    ff = await startGitopsServer([], {}, store);
  });
  afterAll(async () => {
    await ff?.close();
    await tmp?.remove();
  });

  async function setUp(tenant: string) {
    const repo = await createGitRepo(join(tmp.path, tenant), 'git@github.com:acme/flags.git');
    const files = tenantFiles(SMALL_REPO, tenant);
    const flagsPath = `flags/${tenant}/flags.yaml`;
    files[flagsPath] = files[flagsPath]!.replace('\nsegments:\n', `\n${EXTRA}segments:\n`);
    await repo.write({ ...files, 'src/app.ts': "export const checkoutOn = (client) => client.getBooleanValue('coded', false);\n" });
    repo.commit('Flags and the app');
    const token = await ff.token([tenant], 'ci');
    const run = ffAgainst(ff.url, token);
    const dir = join(repo.path, 'flags');
    expect((await run(['apply', dir, '-t', tenant, '--auto-approve'])).code).toBe(0);
    return { repo, token, run, dir, state: () => remoteState(ff.server, tenant, token) };
  }

  async function removeFlag(repo: GitRepo, tenant: string, key: string, replacement = ''): Promise<void> {
    const file = join(repo.path, 'flags', tenant, 'flags.yaml');
    const content = readFileSync(file, 'utf8');
    const block = new RegExp(`  - key: ${key}\\n(?:    .*\\n|      .*\\n)*`);
    expect(content).toMatch(block);
    await repo.write({ [`flags/${tenant}/flags.yaml`]: content.replace(block, replacement) });
  }

  async function evaluate(tenant: string, token: string, flag: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const r = await ff.server.call('POST', '/v1/evaluate', { tenant, token, body: { flag_key: flag, environment: 'prod', context: { targetingKey: `u${i}` } } });
      expect(r.status).toBe(200);
    }
    await ff.server.app.ff.usage.flush();
  }

  function lastLine(stderr: string): string {
    return stderr.trimEnd().split('\n').at(-1) ?? '';
  }

  describe('safe delete', () => {
    it('a recently evaluated flag: plan shows its counts and last evaluation, apply refuses it (the server too), --allow-delete-in-use deletes it', async () => {
      const t = 'evaluated';
      const { repo, token, run, dir, state } = await setUp(t);
      await evaluate(t, token, 'legacy', 3);
      await removeFlag(repo, t, 'legacy');
      repo.commit('Remove legacy');

      const plan = await run(['plan', dir, '-t', t]);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('- delete flag legacy');
      expect(plan.stdout).toMatch(/⚠ flag legacy was evaluated 3 time\(s\) in the last 7 day\(s\), last at \d{4}-\d\d-\d\dT/);
      expect(plan.stdout).toMatch(/prod: 3 evaluations, last \d{4}-/);
      // The pull-request comment carries the evidence.
      const markdown = await run(['plan', dir, '-t', t, '--format', 'markdown']);
      expect(markdown.stdout).toContain('> [!CAUTION]');
      expect(markdown.stdout).toMatch(/flag legacy was evaluated 3 time\\?\(s\\?\)/);
      expect(markdown.stdout).toMatch(/> {3}- `prod: 3 evaluations, last \d{4}-/);

      const before = await state();
      const refused = await run(['apply', dir, '-t', t, '--allow-delete', '--auto-approve']);
      expect(refused.code).toBe(1);
      expect(lastLine(refused.stderr)).toMatch(/^Error DELETES_IN_USE: the plan deletes 1 flag still in use/);
      expect(refused.stderr).toContain('IN_USE_EVALUATED');
      expect(refused.stderr).toMatch(/prod: 3 evaluations, last/);
      expect((await state()).revision).toBe(before.revision);

      // The same apply straight to the API: the server refuses it itself.
      const raw = await ff.server.call('POST', '/v1/apply', {
        tenant: t,
        token,
        body: { state: { environments: before.state.environments, flags: before.state.flags.filter((f) => f.key !== 'legacy'), segments: before.state.segments }, base_revision: before.revision, allow_delete: true, commit: { sha: 'a'.repeat(40) } },
      });
      expect(raw.status).toBe(409);
      expect(raw.json.error.code).toBe('DELETES_IN_USE');
      expect((await state()).hash).toBe(before.hash);

      const usage = await run(['apply', dir, '-t', t, '--allow-delete-in-use', '--auto-approve']);
      expect(usage.code).toBe(1);
      expect(lastLine(usage.stderr)).toMatch(/^Error USAGE: .*--allow-delete-in-use needs --allow-delete/);

      const applied = await run(['apply', dir, '-t', t, '--allow-delete', '--allow-delete-in-use', '--auto-approve']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect((await state()).state.flags.map((f) => f.key)).not.toContain('legacy');
    });

    it('a flag referenced in the code: plan --refs shows the top references, apply --refs refuses it, FF_REFS configures the same', async () => {
      const t = 'referenced';
      const { repo, run, dir, state } = await setUp(t);
      await removeFlag(repo, t, 'coded');
      repo.commit('Remove coded');
      const cwd = repo.path;

      const plain = await run(['plan', dir, '-t', t], { cwd });
      expect(plain.stdout).not.toContain('IN_USE');
      const plan = await run(['plan', dir, '-t', t, '--refs', 'src'], { cwd });
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('⚠ flag coded is referenced 1 time(s) in code, first at src/app.ts:1');
      expect(plan.stdout).toContain("src/app.ts:1  export const checkoutOn = (client) => client.getBooleanValue('coded', false);");
      const json = JSON.parse((await run(['plan', dir, '-t', t, '--refs', 'src', '--format', 'json'], { cwd })).stdout) as {
        changes: { key: string; risks: { code: string; evidence?: unknown }[] }[];
      };
      const risk = json.changes.find((c) => c.key === 'coded')!.risks.find((r) => r.code === 'IN_USE_REFERENCED');
      expect(risk?.evidence).toEqual({ references: [{ file: 'src/app.ts', line: 1, text: expect.stringContaining("'coded'") }], reference_count: 1 });
      const markdown = await run(['plan', dir, '-t', t, '--format', 'markdown'], { cwd, env: { FF_REFS: 'src' } });
      expect(markdown.stdout).toContain('`src/app.ts:1  export const checkoutOn');

      const before = (await state()).revision;
      const refused = await run(['apply', dir, '-t', t, '--allow-delete', '--auto-approve', '--refs', 'src'], { cwd });
      expect(refused.code).toBe(1);
      expect(lastLine(refused.stderr)).toMatch(/^Error DELETES_IN_USE: /);
      expect(refused.stderr).toContain('IN_USE_REFERENCED');
      expect(refused.stderr).toContain('src/app.ts:1');
      const configured = await run(['apply', dir, '-t', t, '--allow-delete', '--auto-approve'], { cwd, env: { FF_REFS: 'src' } });
      expect(configured.code).toBe(1);
      expect(lastLine(configured.stderr)).toMatch(/^Error DELETES_IN_USE: /);
      expect((await state()).revision).toBe(before);

      const applied = await run(['apply', dir, '-t', t, '--allow-delete', '--allow-delete-in-use', '--auto-approve', '--refs', 'src'], { cwd });
      expect(applied.code).toBe(0);
      expect((await state()).state.flags.map((f) => f.key)).not.toContain('coded');
    });

    it('a prerequisite of a flag that stays: plan names the dependents, apply refuses it (the server too)', async () => {
      const t = 'prereq';
      const { repo, token, run, dir, state } = await setUp(t);
      await removeFlag(repo, t, 'gate');
      await removeFlag(repo, t, 'guarded', boolFlag('guarded'));
      repo.commit('guarded no longer needs gate; remove gate');

      const plan = await run(['plan', dir, '-t', t]);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('⚠ flag gate is a prerequisite of guarded');
      const refused = await run(['apply', dir, '-t', t, '--allow-delete', '--auto-approve']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('IN_USE_PREREQUISITE');

      const before = await state();
      const guarded = before.state.flags.find((f) => f.key === 'guarded')!;
      const { prerequisites: _p, ...free } = guarded;
      const raw = await ff.server.call('POST', '/v1/apply', {
        tenant: t,
        token,
        body: {
          state: { environments: before.state.environments, flags: [...before.state.flags.filter((f) => f.key !== 'gate' && f.key !== 'guarded'), free], segments: before.state.segments },
          base_revision: before.revision,
          allow_delete: true,
          commit: { sha: 'b'.repeat(40) },
        },
      });
      expect(raw.status).toBe(409);
      expect(raw.json.error.details.map((d: { code: string; key: string }) => `${d.code} ${d.key}`)).toEqual(['IN_USE_PREREQUISITE gate']);

      expect((await run(['apply', dir, '-t', t, '--allow-delete', '--allow-delete-in-use', '--auto-approve'])).code).toBe(0);
      expect((await state()).state.flags.map((f) => f.key)).not.toContain('gate');
    });

    it('a flag nobody uses is deleted with --allow-delete alone, as before', async () => {
      const t = 'unused';
      const { repo, run, dir, state } = await setUp(t);
      await removeFlag(repo, t, 'unused');
      repo.commit('Remove unused');
      const plan = await run(['plan', dir, '-t', t, '--refs', 'src'], { cwd: repo.path });
      expect(plan.stdout).not.toContain('IN_USE');
      const applied = await run(['apply', dir, '-t', t, '--allow-delete', '--auto-approve', '--refs', 'src'], { cwd: repo.path });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect((await state()).state.flags.map((f) => f.key)).not.toContain('unused');
    });
  });

  describe('ff lint --usage', () => {
    it('reports flags the server saw no evaluation of for 30 days; offline lint never asks', async () => {
      const t = 'linted';
      const { token, run, dir } = await setUp(t);
      await evaluate(t, token, 'legacy', 1);
      const codes = async (args: string[]) => {
        const r = await run(['lint', dir, '--no-history', '--format', 'json', ...args]);
        expect(r.stderr).toBe('');
        const doc = JSON.parse(r.stdout) as { usage_from: string | null; findings: { code: string; flag?: string }[] };
        return { from: doc.usage_from, flags: doc.findings.filter((f) => f.code === 'LINT_NOT_EVALUATED').map((f) => f.flag).sort() };
      };
      expect(await codes([])).toEqual({ from: null, flags: [] });
      expect(await codes(['--usage'])).toEqual({ from: ff.url, flags: ['banner', 'coded', 'gate', 'guarded', 'unused'] });
      const later = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
      expect((await codes(['--usage', '--at', later])).flags).toContain('legacy');
      // Offline lint does not need the server: an unreachable one changes nothing without --usage.
      const offline = await run(['lint', dir, '--no-history'], { env: { FF_SERVER: 'http://127.0.0.1:9' } });
      expect(offline.code).toBe(0);
      const unreachable = await run(['lint', dir, '--no-history', '--usage'], { env: { FF_SERVER: 'http://127.0.0.1:9' } });
      expect(unreachable.code).toBe(1);
      expect(lastLine(unreachable.stderr)).toMatch(/^Error SERVER_UNREACHABLE: /);
    });
  });
});
