// The break-glass loop with the built binary and a real Git repository: a
// forced REST write (what the console's kill switch sends) is drift; `ff plan`
// shows it; `ff export --drift` writes it into the YAML, comments kept; then
// the plan is empty, and applying the commit clears the drift record.
import { readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAgainst, remoteState, startGitopsServer, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { ROOT } from '../cli/support/run-ff.js';
import { tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('the drift loop on the $store store', ({ store }) => {
  let tmp: TempDir;
  let ff: GitopsServer;

  beforeAll(async () => {
    tmp = await tempDir('ff-drift-export-e2e-');
    ff = await startGitopsServer([], {}, store);
  });
  afterAll(async () => {
    await ff?.close();
    await tmp?.remove();
  });

  const COMMENT = '        # Production ramps with the weekly release train.';

  describe('ff export --drift', () => {
    it('writes a forced change back into the files: plan shows drift, then none; the apply clears it', async () => {
      const repo = await createGitRepo(join(tmp.path, 'flags-repo'), 'git@github.com:acme/flags.git');
      await cp(join(ROOT, 'flags', 'acme'), join(repo.path, 'flags', 'acme'), { recursive: true });
      const file = join(repo.path, 'flags', 'acme', 'checkout.yaml');
      // A comment inside the block the write-back edits: it must survive.
      const original = readFileSync(file, 'utf8').replace('\n      production:\n        enabled: true\n', `\n      production:\n${COMMENT}\n        enabled: true\n`);
      expect(original).toContain(COMMENT);
      writeFileSync(file, original);
      repo.commit('Acme flags');
      const ci = ffAgainst(ff.url, await ff.token(['acme'], 'ci'));
      const dir = join(repo.path, 'flags');
      expect((await ci(['apply', dir, '-t', 'acme', '--auto-approve'])).code).toBe(0);

      // The kill switch: a forced write of the flag with production disabled, with a reason.
      const oncall = await ff.token(['acme'], 'oncall');
      const current = await ff.server.call('GET', '/v1/flags/new-checkout', { tenant: 'acme', token: oncall });
      const doc = structuredClone(current.json.data);
      doc.environments.production.enabled = false;
      const refused = await ff.server.call('PUT', '/v1/flags/new-checkout', { tenant: 'acme', token: oncall, body: doc, headers: { 'if-match': current.headers.get('etag')! } });
      expect(refused.json.error.code).toBe('MANAGED_BY_GIT');
      const forced = await ff.server.call('PUT', '/v1/flags/new-checkout?force=true', {
        tenant: 'acme',
        token: oncall,
        body: doc,
        headers: { 'if-match': current.headers.get('etag')!, 'x-change-reason': encodeURIComponent('checkout errors at 3 am — paging') },
      });
      expect(forced.status).toBe(200);
      const audit = await ff.server.call('GET', '/v1/audit?key=new-checkout&limit=1', { tenant: 'acme', token: oncall });
      expect(audit.json.items[0]).toMatchObject({ actor: 'oncall', source: 'api', action: 'update', reason: 'checkout errors at 3 am — paging' });

      const drifted = await ci(['plan', dir, '-t', 'acme', '--detailed-exitcode']);
      expect(drifted.code).toBe(2);
      expect(drifted.stdout).toContain('new-checkout');
      expect(drifted.stdout).toMatch(/drift: changed on the server outside Git by oncall/);

      const exported = await ci(['export', '-t', 'acme', '--out', dir, '--drift']);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toContain('drift  flag:new-checkout');
      expect(exported.stderr).toContain('Wrote 1 drifted resource into 1 file');
      const rewritten = readFileSync(file, 'utf8');
      expect(rewritten).toContain(COMMENT);
      expect(rewritten.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/flags-file.schema.json');
      // Exactly the one line the kill switch changed, nothing else of the file.
      const diff = repo.git('diff', '--unified=0', '--', 'flags/acme/checkout.yaml').split('\n').filter((l) => /^[-+](?![-+])/.test(l));
      expect(diff).toEqual([`-        enabled: true`, `+        enabled: false`]);

      const clean = await ci(['plan', dir, '-t', 'acme', '--detailed-exitcode']);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain('No changes');
      expect((await remoteState(ff.server, 'acme', oncall)).resources['flag:new-checkout']?.drift).toMatchObject({ actor: 'oncall' });

      repo.commit('Keep new-checkout off in production (kill switch)');
      expect((await ci(['apply', dir, '-t', 'acme', '--auto-approve'])).code).toBe(0);
      expect((await remoteState(ff.server, 'acme', oncall)).resources['flag:new-checkout']?.drift).toBeUndefined();
      const again = await ci(['export', '-t', 'acme', '--out', dir, '--drift']);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('No drift');
    });
  });
});
