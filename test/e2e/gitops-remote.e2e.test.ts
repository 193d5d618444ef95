// The commands that only talk to the server:
// `ff eval --remote` prints what local `ff eval` prints, `ff keys`, `ff token`.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { ffAgainst, startGitopsServer, TEST_SECRET, type GitopsServer } from '../cli/support/ff-server.js';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('server commands on the $store store', ({ store }) => {
  let ff: GitopsServer;
  let token: string;

  beforeAll(async () => {
    const { tenants } = await loadRepository(join(ROOT, 'flags'));
    ff = await startGitopsServer(tenants.filter((t) => t.tenant === 'acme'), {}, store);
    token = await ff.token(['acme'], 'tester');
  });
  afterAll(async () => {
    await ff?.close();
  });

  /** Local files are revision 0, the server answers with its own: the one field allowed to differ. */
  function withoutRevisions(json: string): unknown {
    return JSON.parse(json, (key, value: unknown) => (key === 'revision' ? 'REVISION' : value));
  }

  describe('ff eval --remote', () => {
    const cases: [string, string, string][] = [
      ['new-checkout', 'production', '{"targetingKey":"user-42","email":"bob@example.org"}'],
      ['new-checkout', 'production', '{"targetingKey":"qa-1","email":"jane@acme.com"}'],
      ['pricing-experiment', 'staging', '{"targetingKey":"user-7","country":"DE"}'],
      ['disable-paypal', 'production', '{"targetingKey":"u"}'],
      ['no-such-flag', 'production', '{"targetingKey":"u"}'],
      ['new-checkout', 'production', '[1, 2]'],
    ];

    it.each(cases)('%s in %s for %s prints exactly what the local evaluation prints', async (flag, env, context) => {
      const run = ffAgainst(ff.url, token);
      const base = ['eval', flag, '-t', 'acme', '-e', env, '-c', context];
      const [localText, remoteText, localJson, remoteJson] = await Promise.all([
        run([...base, '--explain', '--dir', 'flags']),
        run([...base, '--explain', '--remote']),
        run([...base, '--explain', '--json', '--dir', 'flags']),
        run([...base, '--explain', '--json', '--remote']),
      ]);
      expect(remoteText.stderr).toBe('');
      expect(remoteText.stdout).toBe(localText.stdout);
      expect(remoteText.code).toBe(localText.code);
      expect(remoteJson.code).toBe(localJson.code);
      expect(withoutRevisions(remoteJson.stdout)).toEqual(withoutRevisions(localJson.stdout));
      // The same bytes, once the revision is the same.
      const revision = (JSON.parse(remoteJson.stdout) as { revision: number }).revision;
      expect(revision).toBeGreaterThan(0);
      expect(remoteJson.stdout).toBe(localJson.stdout.replace(/"revision": 0/g, `"revision": ${revision}`));
    });

    it('names an environment the server does not have in one line', async () => {
      const r = await ffAgainst(ff.url, token)(['eval', 'new-checkout', '-t', 'acme', '-e', 'qa', '--remote']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('Error UNKNOWN_ENVIRONMENT: the server has no environment "qa" for tenant "acme"\n');
    });
  });

  describe('ff keys', () => {
    it('creates a key shown once, lists it without its secret, and revokes it', async () => {
      const run = ffAgainst(ff.url, token);
      const created = await run(['keys', 'create', '-t', 'acme', '-e', 'production', '--name', 'checkout-service']);
      expect(created.code).toBe(0);
      const key = created.stdout.trim();
      expect(key).toMatch(/^ffk_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
      const id = key.slice(4, 16);
      expect(created.stderr).toContain(`Created API key ${id} for environment production. The key above is shown once`);

      const evaluate = () => ff.server.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'new-checkout', context: { targetingKey: 'u' } } });
      expect((await evaluate()).status).toBe(200);

      const list = await run(['keys', 'list', '-t', 'acme']);
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')[0]).toMatch(/^ID +PREFIX +ENVIRONMENT +NAME +CREATED +BY +REVOKED$/);
      expect(list.stdout).toMatch(new RegExp(`^${id}  ffk_${id}  production +checkout-service  \\S+  tester  -$`, 'm'));
      expect(list.stdout).not.toContain(key);
      const json = JSON.parse((await run(['keys', 'list', '-t', 'acme', '--json'])).stdout) as { id: string; key?: string }[];
      expect(json.find((k) => k.id === id)).toMatchObject({ id, environment: 'production', name: 'checkout-service', revoked_at: null });
      expect(json.every((k) => k.key === undefined)).toBe(true);

      const revoked = await run(['keys', 'revoke', id, '-t', 'acme']);
      expect(revoked.code).toBe(0);
      expect(revoked.stderr).toBe(`Revoked API key ${id}.\n`);
      expect((await evaluate()).status).toBe(401);
      expect((await run(['keys', 'list', '-t', 'acme'])).stdout).not.toContain(id);
      expect((await run(['keys', 'list', '-t', 'acme', '--state', 'revoked'])).stdout).toContain(id);

      const unknown = await run(['keys', 'revoke', 'AAAAAAAAAAAA', '-t', 'acme']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^Error NOT_FOUND: DELETE \/v1\/api-keys\/AAAAAAAAAAAA was refused \(404 NOT_FOUND\)/);
    });
  });

  describe('ff token', () => {
    it('mints a token the server accepts, limited to the scopes asked for', async () => {
      const minted = await runFf(['token', '-t', 'acme', '--scope', 'evaluate', '--ttl', '15m', '--sub', 'laptop'], { env: { FF_JWT_SECRET: TEST_SECRET } });
      expect(minted.code).toBe(0);
      const jwt = minted.stdout.trim();
      const evaluated = await ffAgainst(ff.url, jwt)(['eval', 'new-checkout', '-t', 'acme', '-e', 'production', '-c', '{"targetingKey":"u1"}', '--remote']);
      expect(evaluated.stderr).toBe('');
      expect(evaluated.code).toBe(0);
      // evaluate only: reading the audit trail needs audit:read.
      const audit = await ffAgainst(ff.url, jwt)(['audit', '-t', 'acme']);
      expect(audit.code).toBe(1);
      expect(audit.stderr).toMatch(/^Error FORBIDDEN: the token may not do this: GET \/v1\/audit was refused \(403/);
      expect(audit.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('refuses without the secret, and a lifetime that is not short', async () => {
      const none = await runFf(['token', '-t', 'acme'], { env: { FF_JWT_SECRET: '' } });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^Error MISSING_SECRET: /);
      const long = await runFf(['token', '-t', 'acme', '--ttl', '90d'], { env: { FF_JWT_SECRET: TEST_SECRET } });
      expect(long.code).toBe(1);
      expect(long.stderr).toMatch(/^Error USAGE: --ttl 90d is not a duration/);
    });
  });
});
