// A client generated from /openapi.json works: openapi-typescript writes the
// types, a small program written against them with openapi-fetch must
// type-check (strict), and the same program, run, calls two routes of a real
// server — the headers, bodies and responses it needs all come from the document.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { transpileDir } from './helpers/transpile.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Written as a user of the generated client would: every name below must exist in the generated types. */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

export async function run(baseUrl: string, token: string, tenant: string) {
  const client = createClient<paths>({ baseUrl });
  const auth = { authorization: \`Bearer \${token}\`, 'x-tenant-id': tenant };
  const created = await client.POST('/v1/flags', {
    params: { header: { ...auth, 'idempotency-key': 'generated-client-1' } },
    body: { key: 'from-generated-client', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' },
  });
  const got = await client.GET('/v1/flags/{key}', { params: { header: auth, path: { key: 'from-generated-client' } } });
  const evaluated = await client.POST('/v1/evaluate', {
    params: { header: auth },
    body: { flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'vip-1' } },
  });
  return {
    created: created.response.status,
    gotKey: got.data?.data?.key,
    etag: got.response.headers.get('etag'),
    evaluated: evaluated.data,
  };
}
`;

describe('a client generated from /openapi.json', () => {
  let s: TestServer;
  let dir: string;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA] });
    dir = transpileDir(repo, 'ff-openapi-client-');
    mkdirSync(dir, { recursive: true });
    const doc = (await s.call('GET', '/openapi.json', { token: null, tenant: null })).json;
    const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0]);
    writeFileSync(path.join(dir, 'api.d.ts'), astToString(ast));
    writeFileSync(path.join(dir, 'client.ts'), CLIENT);
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks a program written against the generated types', () => {
    const program = ts.createProgram([path.join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('and the same program calls the server: create + read a flag, evaluate one', async () => {
    const { outputText } = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
    const file = path.join(dir, 'client.mjs');
    writeFileSync(file, outputText);
    const { run } = (await import(pathToFileURL(file).href)) as { run: (u: string, t: string, tenant: string) => Promise<Record<string, unknown>> };
    const out = await run(s.url, s.adminToken, 'alpha');
    expect(out.created).toBe(201);
    expect(out.gotKey).toBe('from-generated-client');
    expect(out.etag).toMatch(/^"\d+"$/);
    expect(out.evaluated).toMatchObject({ flag_key: 'new-checkout', value: true, variant: 'on', reason: 'TARGETING_MATCH' });
  });
});
