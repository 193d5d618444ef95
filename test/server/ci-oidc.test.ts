// Keyless CI credentials: GitHub Actions OIDC tokens (signed by a local
// stand-in for GitHub's issuer, JWKS over HTTP on 127.0.0.1) mapped to
// tenants and scopes by the CI access file, against a real server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../core/model/scopes.js';
import { claimPattern, grantsFor, type Grant } from '../../server/auth/ci/grants.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { commit, desiredOf } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, TEST_SECRET, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';
import { accessFile, startFakeGithubOidc, type FakeGithubOidc, type GithubClaims } from './support/github-oidc.js';

const AUDIENCE = 'https://flags.acme.test';
const MAIN: GithubClaims = {
  repository: 'acme/flags',
  ref: 'refs/heads/main',
  event_name: 'push',
  job_workflow_ref: 'acme/flags/.github/workflows/ff.yml@refs/heads/main',
};
const PR: GithubClaims = {
  repository: 'acme/flags',
  ref: 'refs/pull/7/merge',
  event_name: 'pull_request',
  job_workflow_ref: 'acme/flags/.github/workflows/ff.yml@refs/pull/7/merge',
};
const ACME = { ...structuredClone(ALPHA), tenant: 'acme' };

describe('claim patterns and grants', () => {
  it('* stops at a slash, ** does not, everything else is literal', () => {
    expect(claimPattern('refs/pull/*/merge').test('refs/pull/12/merge')).toBe(true);
    expect(claimPattern('refs/pull/*/merge').test('refs/pull/1/2/merge')).toBe(false);
    expect(claimPattern('acme/**').test('acme/flags/.github/workflows/x.yml@refs/heads/main')).toBe(true);
    expect(claimPattern('acme/flags').test('acme/flagsX')).toBe(false);
    expect(claimPattern('a.b').test('aXb')).toBe(false);
  });

  it('adds up every matching grant; a claim the token lacks never matches', () => {
    const grants: Grant[] = [
      { match: { repository: 'acme/flags' }, tenants: ['acme'], scopes: ['plan'] },
      { match: { repository: 'acme/flags', environment: 'production' }, tenants: ['acme', 'acme-eu'], scopes: ['apply'] },
      { match: { repository: 'other/flags' }, tenants: ['other'], scopes: ['apply'] },
    ];
    const plain = grantsFor(grants, { repository: 'acme/flags' });
    expect([...plain.tenants]).toEqual(['acme']);
    expect([...plain.scopes]).toEqual(['plan']);
    const prod = grantsFor(grants, { repository: 'acme/flags', environment: 'production' });
    expect([...prod.tenants].sort()).toEqual(['acme', 'acme-eu']);
    expect([...prod.scopes].sort()).toEqual(['apply', 'plan']);
    expect(grantsFor(grants, { repository: 'acme/flags', environment: 7 }).scopes.has('apply')).toBe(false);
  });

  it('the schema’s scope list is the server’s', () => {
    const schema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../schemas/ci-access.schema.json'), 'utf8'));
    expect(schema.$defs.grant.properties.scopes.items.enum).toEqual([...SCOPES]);
  });
});

describe('the CI access file at start-up', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ff-ci-access-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const load = (text: string) => {
    const file = path.join(dir, `access-${++files}.yaml`);
    writeFileSync(file, text);
    return () => loadConfig({ FF_JWT_SECRET: TEST_SECRET, FF_CI_ACCESS_FILE: file });
  };

  it('is read once, with GitHub’s issuer and JWKS by default', () => {
    const config = load('version: 1\naudience: ff\ngrants:\n  - match: { repository: acme/flags }\n    tenants: [acme]\n    scopes: [plan]\n')();
    expect(config.ciAccess).toMatchObject({
      issuer: 'https://token.actions.githubusercontent.com',
      jwksUrl: 'https://token.actions.githubusercontent.com/.well-known/jwks',
      audience: 'ff',
    });
  });

  it.each([
    ['a grant without a repository', 'version: 1\naudience: ff\ngrants:\n  - match: { ref: refs/heads/main }\n    tenants: [acme]\n    scopes: [apply]\n', /:4:\d+: .*repository/],
    ['an unknown scope', 'version: 1\naudience: ff\ngrants:\n  - match: { repository: a/b }\n    tenants: [acme]\n    scopes: [admin]\n', /:6:\d+: /],
    ['a tenant wildcard', 'version: 1\naudience: ff\ngrants:\n  - match: { repository: a/b }\n    tenants: ["*"]\n    scopes: [plan]\n', /:5:\d+: /],
    ['no audience', 'version: 1\ngrants:\n  - match: { repository: a/b }\n    tenants: [acme]\n    scopes: [plan]\n', /audience/],
    ['a duplicate key', 'version: 1\naudience: ff\naudience: other\ngrants: []\n', /:3:1: duplicate key/],
    ['an unknown claim', 'version: 1\naudience: ff\ngrants:\n  - match: { repository: a/b, actor: octocat }\n    tenants: [acme]\n    scopes: [plan]\n', /:4:\d+: .*actor/],
  ])('stops the server when it has %s, saying where', (_name, text, message) => {
    expect(load(text)).toThrow(ConfigError);
    expect(load(text)).toThrow(message);
  });

  it('stops the server when it cannot be read', () => {
    expect(() => loadConfig({ FF_JWT_SECRET: TEST_SECRET, FF_CI_ACCESS_FILE: path.join(dir, 'missing.yaml') })).toThrow(/cannot read the CI access file .*ENOENT/);
  });
});

// On both stores (the matrix): the CI job's apply is a write that must land, and be audited, on either.
describe.each(storeMatrix())('GitHub Actions OIDC tokens against a real server ($store store)', ({ store }) => {
  let github: FakeGithubOidc;
  let s: TestServer;
  beforeAll(async () => {
    github = await startFakeGithubOidc(AUDIENCE);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ff-ci-')), 'ci-access.yaml');
    writeFileSync(file, accessFile(github.jwksUrl, AUDIENCE));
    s = await startTestServer({ store, env: { FF_CI_ACCESS_FILE: file } });
  });
  afterAll(async () => {
    await s?.close();
    await github?.close();
  });

  const planAs = (token: string, tenant = 'acme') => s.call('POST', '/v1/plan', { token, tenant, body: { state: desiredOf(ACME) } });
  const applyAs = (token: string, base: number, hash: string, tenant = 'acme') =>
    s.call('POST', '/v1/apply', { token, tenant, body: { state: desiredOf(ACME), base_revision: base, expected_plan_hash: hash, commit: commit('ci') } });

  it('a pull request’s job may plan its tenant, and nothing more', async () => {
    const token = await github.token(PR);
    const plan = await planAs(token);
    expect(plan.status).toBe(200);
    const apply = await applyAs(token, plan.json.plan.base_revision, plan.json.plan.plan_hash);
    expect(apply.status).toBe(403);
    expect(apply.json.error.code).toBe('FORBIDDEN');
    expect((await s.call('GET', '/v1/flags', { token, tenant: 'acme' })).status).toBe(403);
    expect((await planAs(token, 'alpha')).status).toBe(403);
  });

  it('the main branch’s job applies, recorded as the repository and ref', async () => {
    const token = await github.token(MAIN);
    const plan = (await planAs(token)).json.plan;
    const apply = await applyAs(token, plan.base_revision, plan.plan_hash);
    expect(apply.status).toBe(200);
    expect(apply.json.applied).toBe(true);
    const audit = await s.call('GET', '/v1/audit?limit=1', { tenant: 'acme', token: await s.token({ tenants: ['acme'] }) });
    expect(audit.json.items[0].actor).toBe('ci:repo:acme/flags:ref:refs/heads/main');
  });

  it('a pull request that edits its workflow still gets only the pull request’s grant', async () => {
    // The workflow file of the PR's head may claim anything; the token's ref and event are GitHub's.
    const token = await github.token({ ...PR, job_workflow_ref: 'acme/flags/.github/workflows/ff.yml@refs/heads/main' });
    const plan = (await planAs(token)).json.plan;
    expect((await applyAs(token, plan.base_revision, plan.plan_hash)).status).toBe(403);
  });

  it('another repository, or another branch of it, gets nothing: 403 naming the job', async () => {
    for (const claims of [{ ...MAIN, repository: 'mallory/flags' }, { ...MAIN, ref: 'refs/heads/feature' }]) {
      const r = await planAs(await github.token(claims));
      expect(r.status).toBe(403);
      expect(r.json.error.message).toMatch(/no grant of the CI access file covers this job \(repository \S+, ref \S+, event push\)/);
    }
  });

  it('a token for another audience, expired, or signed by another key is 401', async () => {
    const tokens = [
      await github.token(MAIN, { audience: 'https://other.test' }),
      await github.token(MAIN, { expiresIn: '-10m' }),
      await github.token(MAIN, { key: 'stranger' }),
    ];
    for (const token of tokens) {
      const r = await planAs(token);
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a token of another issuer is not a CI token: it is checked as a shared-secret JWT, and refused', async () => {
    const r = await planAs(await github.token(MAIN, { issuer: 'https://evil.test' }));
    expect(r.status).toBe(401);
  });

  it('shared-secret tokens keep working beside CI tokens', async () => {
    expect((await planAs(await s.token({ tenants: ['acme'], scopes: ['plan'] }))).status).toBe(200);
  });
});
