// `ff export --usage FILE` against a server that counted and flushed real
// evaluations: the usage goes to its own JSON file (last evaluated at, counts
// per environment and per UTC day), and the exported YAML stays exactly what
// a plain export writes.
import { readFileSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAgainst, startGitopsServer, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { ROOT } from '../cli/support/run-ff.js';
import { tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('ff export --usage on the $store store', ({ store }) => {
  let tmp: TempDir;
  let ff: GitopsServer;
  let token: string;

  beforeAll(async () => {
    tmp = await tempDir('ff-export-usage-e2e-');
    // A short flush period: the counts reach the table by the server's own periodic flush.
    ff = await startGitopsServer([], { FF_USAGE_FLUSH_MS: '50' }, store);
    const source = await createGitRepo(join(tmp.path, 'source'));
    await cp(join(ROOT, 'flags', 'acme'), join(source.path, 'flags', 'acme'), { recursive: true });
    source.commit('Acme flags');
    token = await ff.token(['acme']);
    expect((await ffAgainst(ff.url, token)(['apply', join(source.path, 'flags'), '-t', 'acme', '--auto-approve'])).code).toBe(0);
  });
  afterAll(async () => {
    await ff?.close();
    await tmp?.remove();
  });

  const evaluate = (flag: string, environment: string, user: string) =>
    ff.server.call('POST', '/v1/evaluate', { tenant: 'acme', token, body: { flag_key: flag, environment, context: { targetingKey: user } } });

  it('writes every exported flag’s usage beside the YAML, which stays as a plain export writes it', async () => {
    for (let i = 0; i < 3; i++) expect((await evaluate('new-checkout', 'production', `u${i}`)).status).toBe(200);
    expect((await evaluate('new-checkout', 'staging', 'q1')).status).toBe(200);
    expect((await evaluate('promo-banner', 'production', 'u1')).status).toBe(200);
    // Wait for the periodic flush (no fixed sleep: poll until the table has all five).
    for (;;) {
      const u = await ff.server.call('GET', '/v1/usage', { tenant: 'acme', token });
      const flags = u.json.flags as Record<string, { evaluations: number }>;
      if ((flags['new-checkout']?.evaluations ?? 0) + (flags['promo-banner']?.evaluations ?? 0) === 5) break;
      await new Promise((r) => setTimeout(r, 25));
    }

    const run = ffAgainst(ff.url, token);
    const out = join(tmp.path, 'exported');
    const usageFile = join(tmp.path, 'reports', 'acme-usage.json');
    const r = await run(['export', '--tenant', 'acme', '--out', out, '--usage', usageFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(usageFile);
    expect(r.stderr).toContain(`Usage written to ${usageFile}: 2 of 7 flags evaluated in the last 30 days.`);

    const doc = JSON.parse(readFileSync(usageFile, 'utf8'));
    const today = new Date().toISOString().slice(0, 10);
    expect(doc).toMatchObject({ format_version: 1, tenant: 'acme', server: ff.url, revision: 1, days: 30 });
    // Every flag of the exported files, evaluated or not.
    const exportedKeys = [...readFileSync(join(out, 'acme', 'flags.yaml'), 'utf8').matchAll(/^ {2}- key: (\S+)$/gm)].map((m) => m[1]).sort();
    expect(exportedKeys).toHaveLength(7);
    expect(Object.keys(doc.flags)).toEqual(exportedKeys);
    const checkout = doc.flags['new-checkout'];
    expect(checkout.evaluations).toBe(4);
    expect(checkout.environments.production).toMatchObject({ evaluations: 3, daily: { [today]: 3 } });
    expect(checkout.environments.staging).toMatchObject({ evaluations: 1, daily: { [today]: 1 } });
    expect(Date.parse(checkout.last_evaluated_at)).toBeGreaterThan(Date.parse(doc.exported_at) - 3_600_000);
    // A flag never evaluated is there too, saying so.
    expect(doc.flags['disable-paypal']).toEqual({ last_evaluated_at: null, evaluations: 0, environments: {} });

    // The YAML holds no usage: it is byte for byte what an export without --usage writes.
    const plain = join(tmp.path, 'plain');
    const plainRun = await run(['export', '--tenant', 'acme', '--out', plain]);
    expect(plainRun.code, plainRun.stderr).toBe(0);
    const files = await readdir(join(out, 'acme'));
    expect(files.sort()).toEqual((await readdir(join(plain, 'acme'))).sort());
    for (const f of files) expect(readFileSync(join(out, 'acme', f), 'utf8')).toBe(readFileSync(join(plain, 'acme', f), 'utf8'));
  });

  it('writes nothing for a token that may not read; refuses --usage with --drift and --usage-days without --usage', async () => {
    // A token that may not read the tenant: refused, and no file is written.
    const narrow = await ff.token(['acme'], 'ci', ['flags:write']);
    const out = join(tmp.path, 'refused');
    const refused = await ffAgainst(ff.url, narrow)(['export', '--tenant', 'acme', '--out', out, '--usage', join(tmp.path, 'refused.json')]);
    expect(refused.code).not.toBe(0);
    await expect(readdir(out)).rejects.toThrow();

    const run = ffAgainst(ff.url, token);
    const both = await run(['export', '--tenant', 'acme', '--out', join(tmp.path, 'x'), '--drift', '--usage', join(tmp.path, 'x.json')]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--drift|--usage/);
    const days = await run(['export', '--tenant', 'acme', '--out', join(tmp.path, 'y'), '--usage-days', '7']);
    expect(days.code).not.toBe(0);
    const range = await run(['export', '--tenant', 'acme', '--out', join(tmp.path, 'z'), '--usage', join(tmp.path, 'z.json'), '--usage-days', '0']);
    expect(range.code).not.toBe(0);
  });
});
