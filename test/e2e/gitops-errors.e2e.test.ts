// Whatever goes wrong between the CLI and the server is one
// line on stderr and exit 1, never a stack trace. What a real server answers
// (tokens, unknown tenants) runs against both stores.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAgainst, startGitopsServer, tenantFiles, TEST_SECRET, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { runFf } from '../cli/support/run-ff.js';
import { closedPort, json, startStub, type StubServer } from '../cli/support/stub-server.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';
import { storeMatrix } from '../support/postgres.js';

let tmp: TempDir;
let failing: StubServer;
let silent: StubServer;
let dir: string;
let invalidDir: string;

beforeAll(async () => {
  tmp = await tempDir('ff-errors-e2e-');
  failing = await startStub((_req, res) => json(res, 503, { error: { code: 'INTERNAL', message: 'internal error', details: [] } }, { 'x-request-id': 'abc-123' }));
  const repo = await createGitRepo(join(tmp.path, 'repo'));
  await repo.write(tenantFiles(SMALL_REPO, 'shop'));
  repo.commit('Flags');
  dir = join(repo.path, 'flags');
  // A server that accepts every request and never answers.
  silent = await startStub(() => undefined);
  const broken = await createGitRepo(join(tmp.path, 'broken'));
  await broken.write(tenantFiles({ ...SMALL_REPO, 'shop/flags.yaml': SMALL_REPO['shop/flags.yaml']!.replace('- segment: staff', '- segment: ghosts') }, 'shop'));
  broken.commit('Broken flags');
  invalidDir = join(broken.path, 'flags');
});
afterAll(async () => {
  await silent?.close();
  await failing?.close();
  await tmp?.remove();
});

function oneLine(r: { code: number | null; stdout: string; stderr: string }, code: string): string {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^Error ${code}: `));
  return lines[0]!;
}

describe('talking to the server', () => {
  it('reports an unreachable server in one line, for every command that calls it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = ffAgainst(url, 'any-token');
    const commands = [
      ['plan', dir, '-t', 'shop'],
      ['apply', dir, '-t', 'shop', '--auto-approve'],
      ['audit', '-t', 'shop'],
      ['eval', 'banner', '-t', 'shop', '-e', 'prod', '--remote'],
    ];
    for (const args of commands) {
      const line = oneLine(await run(args), 'SERVER_UNREACHABLE');
      expect(line).toContain(`cannot reach the ff server at ${url} (ECONNREFUSED)`);
    }
    // --server wins over FF_SERVER.
    const flag = await runFf(['audit', '-t', 'shop', '--server', url, '--token', 'x'], { env: { FF_SERVER: failing.url } });
    oneLine(flag, 'SERVER_UNREACHABLE');
  });

  it('reports a failing server (5xx) in one line with its request id', async () => {
    const line = oneLine(await ffAgainst(failing.url, 'x')(['plan', dir, '-t', 'shop']), 'SERVER_ERROR');
    expect(line).toBe(`Error SERVER_ERROR: the server at ${failing.url} failed on POST /v1/state/manifest (503 INTERNAL, request id abc-123); its log has the cause`);
  });
});

describe('the files before the server', () => {
  // What the files say is reported first, and alone: `ff plan` asks the
  // server nothing until they passed.
  it('reports invalid files, not the server, whether it fails, is unreachable or never answers', async () => {
    const servers = [failing.url, `http://127.0.0.1:${await closedPort()}`, silent.url];
    for (const url of servers) {
      const r = await ffAgainst(url, 'any-token')(['plan', invalidDir, '-t', 'shop']);
      expect(r.code, url).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/flags\.yaml:\d+:\d+ {2}error {4}\S+ {2}/);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.filter((line) => line.startsWith('Error ')), url).toEqual([expect.stringMatching(/^Error REPO_INVALID: /)]);
    }
  });

  it('names a tenant or environment the files lack, not what the server answers', async () => {
    const line = oneLine(await ffAgainst(silent.url, 'any-token')(['plan', dir, '-t', 'nosuch']), 'UNKNOWN_TENANT');
    expect(line).not.toContain(silent.url);
    oneLine(await ffAgainst(failing.url, 'any-token')(['plan', dir, '-t', 'shop', '-e', 'nosuch']), 'UNKNOWN_ENVIRONMENT');
  });
});

describe.each(storeMatrix())('a real server on the $store store', ({ store }) => {
  let ff: GitopsServer;
  beforeAll(async () => {
    ff = await startGitopsServer([], {}, store);
  });
  afterAll(async () => {
    await ff?.close();
  });

  it('reports a refused, a missing and an under-scoped token in one line', async () => {
    const expired = await ff.server.token({ tenants: ['shop'], ttlS: 1, now: new Date(Date.now() - 3_600_000) });
    const expiredLine = oneLine(await ffAgainst(ff.url, expired)(['plan', dir, '-t', 'shop']), 'UNAUTHENTICATED');
    // The CLI reads `exp` and names the cause the user can fix.
    expect(expiredLine).toMatch(/it expired at \d{4}-\d\d-\d\dT[\d:.]+Z; mint a new one/);
    const garbage = oneLine(await ffAgainst(ff.url, 'not-a-jwt')(['audit', '-t', 'shop']), 'UNAUTHENTICATED');
    expect(garbage).toContain('malformed, expired or signed with another secret');
    const missing = oneLine(await runFf(['audit', '-t', 'shop'], { env: { FF_SERVER: ff.url } }), 'UNAUTHENTICATED');
    expect(missing).toContain('no token');

    const readOnly = await ff.token(['shop'], 'reader', ['flags:read']);
    const line = oneLine(await ffAgainst(ff.url, readOnly)(['plan', dir, '-t', 'shop']), 'FORBIDDEN');
    expect(line).toContain('POST /v1/plan');
    const otherTenant = await ff.token(['elsewhere'], 'stranger');
    oneLine(await ffAgainst(ff.url, otherTenant)(['plan', dir, '-t', 'shop']), 'FORBIDDEN');
  });

  it('names a tenant the server does not know, for every command that reads one; a first plan still creates it', async () => {
    const run = ffAgainst(ff.url, await ff.token(['*'], 'ops'));
    const commands = [
      ['audit', '-t', 'nosuch'],
      ['keys', 'list', '-t', 'nosuch'],
      ['keys', 'create', '-n', 'web', '-t', 'nosuch', '-e', 'prod'],
      ['eval', 'banner', '-t', 'nosuch', '-e', 'prod', '--remote'],
    ];
    for (const args of commands) {
      const line = oneLine(await run(args), 'UNKNOWN_TENANT');
      expect(line, args.join(' ')).toBe(
        `Error UNKNOWN_TENANT: unknown tenant "nosuch": the server at ${ff.url} has no state for it (check --tenant; a tenant exists once its first \`ff apply\` has run)`,
      );
    }
    // `shop` has no state on this server either: planning it is how it is created.
    expect((await run(['plan', dir, '-t', 'shop', '--detailed-exitcode'])).code).toBe(2);
  });

  it('mints with ff token what the server accepts: a token from another secret is refused', async () => {
    const good = (await runFf(['token', '-t', 'shop'], { env: { FF_JWT_SECRET: TEST_SECRET } })).stdout.trim();
    expect((await ffAgainst(ff.url, good)(['plan', dir, '-t', 'shop', '--detailed-exitcode'])).code).toBe(2);
    const bad = (await runFf(['token', '-t', 'shop'], { env: { FF_JWT_SECRET: 'another-secret-that-is-at-least-32-bytes!' } })).stdout.trim();
    oneLine(await ffAgainst(ff.url, bad)(['plan', dir, '-t', 'shop']), 'UNAUTHENTICATED');
  });
});
