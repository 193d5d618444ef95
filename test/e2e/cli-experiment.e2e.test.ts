// `ff experiment results` (the built binary) against a real server holding the
// example repository: exposures from real evaluations, events through
// POST /v1/events, and the three formats of the same results.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { ffAgainst, startGitopsServer, type GitopsServer } from '../cli/support/ff-server.js';
import { ROOT } from '../cli/support/run-ff.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('ff experiment results on the $store store', ({ store }) => {
  let ff: GitopsServer;
  let token: string;

  beforeAll(async () => {
    const { tenants } = await loadRepository(join(ROOT, 'flags'));
    ff = await startGitopsServer(tenants.filter((t) => t.tenant === 'acme'), {}, store);
    token = await ff.token(['acme'], 'analyst');
    const key = (await ff.server.call('POST', '/v1/api-keys', { token, tenant: 'acme', body: { name: 'shop', environment: 'production' } })).json.key as string;
    const events: Record<string, unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const context = { targetingKey: `u-${i}`, accountId: `acct-${i}`, plan: 'pro', country: 'US' };
      await ff.server.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'pricing-experiment', context } });
      if (i % 4 === 0) events.push({ id: `buy-${i}`, event: 'plan-purchased', unit: `acct-${i}` }, { id: `rev-${i}`, event: 'revenue', unit: `acct-${i}`, value: 30 + (i % 9) });
    }
    expect((await ff.server.call('POST', '/v1/events', { apiKey: key, tenant: null, body: { events } })).status).toBe(202);
  }, 120_000);
  afterAll(async () => {
    await ff?.close();
  });

  describe('ff experiment results', () => {
    it('prints the results as text, markdown for a PR comment, and the JSON document', async () => {
      const run = ffAgainst(ff.url, token);
      const [text, markdown, json] = await Promise.all([
        run(['experiment', 'results', 'pricing-q4', '-t', 'acme']),
        run(['experiment', 'results', 'pricing-q4', '-t', 'acme', '--format', 'markdown']),
        run(['experiment', 'results', 'pricing-q4', '-t', 'acme', '--format', 'json']),
      ]);
      for (const r of [text, markdown, json]) expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(json.stdout);
      expect(doc).toMatchObject({ experiment: 'pricing-q4', status: 'running', variants: ['control', 'annual-discount', 'bundle'] });
      expect(doc.units.exposed).toBe(300);
      expect(doc.metrics[0].countedEvents).toBe(75);
      expect(text.stdout).toContain('Experiment pricing-q4');
      expect(text.stdout).toContain('Primary: plan-purchased (conversion rate, within 336 h of exposure)');
      expect(markdown.stdout).toMatch(/^### Experiment `pricing-q4`/);
      expect(markdown.stdout).toContain('| variant | units | value |');
    });

    it("an unknown experiment is exit 1 with the server's reason; no token is exit 1 too", async () => {
      const missing = await ffAgainst(ff.url, token)(['experiment', 'results', 'nope', '-t', 'acme']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('experiment not found');
      const anonymous = await ffAgainst(ff.url, '')(['experiment', 'results', 'pricing-q4', '-t', 'acme']);
      expect(anonymous.code).toBe(1);
    });
  });
});
