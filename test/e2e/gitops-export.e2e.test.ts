// `ff export`: the server's state as files that `ff validate`
// accepts, in the canonical format, and that apply back as no change.
import { readFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../core/diff/index.js';
import type { TenantState } from '../../core/model/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { ffAgainst, remoteState, startGitopsServer, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('ff export on the $store store', ({ store }) => {
  let tmp: TempDir;
  let ff: GitopsServer;

  beforeAll(async () => {
    tmp = await tempDir('ff-export-e2e-');
    ff = await startGitopsServer([], {}, store);
  });
  afterAll(async () => {
    await ff?.close();
    await tmp?.remove();
  });

  /** Lists of resources in key order: the server returns them so, files keep their own order. */
  function sorted(state: TenantState): TenantState {
    const byKey = <T extends { key: string }>(list: T[]) => [...list].sort((a, b) => (a.key < b.key ? -1 : 1));
    return { ...state, environments: byKey(state.environments), flags: byKey(state.flags), segments: byKey(state.segments) };
  }

  describe('ff export', () => {
    it('round-trips the example repository: apply → export → the same state, valid and formatted', async () => {
      const source = await createGitRepo(join(tmp.path, 'source'));
      await cp(join(ROOT, 'flags', 'acme'), join(source.path, 'flags', 'acme'), { recursive: true });
      source.commit('Acme flags');
      const token = await ff.token(['acme']);
      const run = ffAgainst(ff.url, token);
      expect((await run(['apply', join(source.path, 'flags'), '-t', 'acme', '--auto-approve'])).code).toBe(0);

      const out = join(tmp.path, 'exported');
      const exported = await run(['export', '--tenant', 'acme', '--out', out]);
      expect(exported.code).toBe(0);
      expect(exported.stdout.trim().split('\n')).toEqual(['tenant.yaml', 'flags.yaml', 'segments.yaml', 'experiments.yaml'].map((f) => join(out, 'acme', f)));
      expect(exported.stderr).toContain('Exported 4 files');
      expect(readFileSync(join(out, 'acme', 'tenant.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
      expect(readFileSync(join(out, 'acme', 'flags.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/flags-file.schema.json');

      const validate = await runFf(['validate', out]);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toContain('No problems found in 4 files (1 tenant).');
      expect((await runFf(['fmt', out, '--check'])).code).toBe(0);

      const original = await loadRepository(join(source.path, 'flags'));
      const reloaded = await loadRepository(out);
      expect(reloaded.diagnostics).toEqual([]);
      expect(contentHash(sorted(reloaded.tenants[0]!))).toBe(contentHash(sorted(original.tenants[0]!)));
    });

    it('exports a tenant made over REST so that applying the files changes nothing', async () => {
      const token = await ff.token(['rest-made'], 'alice');
      const call = (method: string, path: string, body: unknown) => ff.server.call(method, path, { tenant: 'rest-made', token, body });
      expect((await call('POST', '/v1/environments', { key: 'production', name: 'Production' })).status).toBe(201);
      expect((await call('POST', '/v1/segments', { key: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@x.test' }] })).status).toBe(201);
      const flag = {
        key: 'dark-mode',
        type: 'boolean',
        tags: ['ui'],
        variants: { on: true, off: false },
        offVariant: 'off',
        environments: { production: { enabled: true, rules: [{ id: 'staff', conditions: [{ segment: 'staff' }], serve: { variant: 'on' } }], default: { rollout: { on: 10, off: 90 } } } },
      };
      expect((await call('POST', '/v1/flags', flag)).status).toBe(201);
      const run = ffAgainst(ff.url, token);
      const before = await remoteState(ff.server, 'rest-made', token);

      const repo = await createGitRepo(join(tmp.path, 'adopted'));
      const exported = await run(['export', '-t', 'rest-made', '--out', join(repo.path, 'flags')]);
      expect(exported.code).toBe(0);
      repo.commit('Adopt rest-made into Git');
      expect((await runFf(['validate', join(repo.path, 'flags')])).code).toBe(0);

      const plan = await run(['plan', join(repo.path, 'flags'), '-t', 'rest-made', '--detailed-exitcode']);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('No changes');
      const apply = await run(['apply', join(repo.path, 'flags'), '-t', 'rest-made', '--auto-approve']);
      expect(apply.code).toBe(0);
      expect(apply.stdout).toContain('No changes');
      expect(await remoteState(ff.server, 'rest-made', token)).toMatchObject({ revision: before.revision, hash: before.hash });
      expect((await run(['plan', join(repo.path, 'flags'), '-t', 'rest-made', '--detailed-exitcode'])).code).toBe(0);
    });

    it('refuses a tenant the server does not hold, and a folder already in use', async () => {
      const token = await ff.token(['nobody', 'acme']);
      const run = ffAgainst(ff.url, token);
      const empty = await run(['export', '-t', 'nobody', '--out', join(tmp.path, 'none')]);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/^Error EXPORT_REFUSED: the server holds nothing for tenant "nobody"/);

      const used = join(tmp.path, 'used');
      await createGitRepo(join(used, 'acme'));
      const busy = await run(['export', '-t', 'acme', '--out', used]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/^Error EXPORT_REFUSED: .* already exists and is not empty/);
    });
  });
});
