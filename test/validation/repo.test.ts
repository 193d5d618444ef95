// loadRepository on real temporary folders: layout rules, size caps checked
// before parsing, path display, sorting, and what the returned tenants hold.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.js';
import { listRepositoryFiles, loadRepository, loadTenant } from '../../core/repo/index.js';
import { displayPathFor } from '../../core/repo/index.js';

const TENANT = (key: string) => `version: 1\ntenant: ${key}\nenvironments:\n  - key: production\n`;
const FLAG = (key: string) =>
  `  - key: ${key}\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n    environments:\n      production: { enabled: true }\n`;
const FLAGS = (...keys: string[]) => `version: 1\nflags:\n${keys.map(FLAG).join('')}`;

let root: string;

function write(relative: string, text: string | Buffer): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function codes(result: { diagnostics: Array<{ code: string }> }): string[] {
  return result.diagnostics.map((d) => d.code);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ff-repo-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadRepository', () => {
  it('loads tenants sorted by key, flags in file order across sub-folders', async () => {
    write('zeta/tenant.yaml', TENANT('zeta'));
    write('zeta/flags.yaml', FLAGS('z1'));
    write('alpha/tenant.yaml', TENANT('alpha'));
    write('alpha/b.yaml', FLAGS('b1', 'b2'));
    write('alpha/a/x.yml', FLAGS('a1'));
    write('alpha/.hidden.yaml', 'not: [valid');
    write('alpha/notes.md', '# not yaml');
    const result = await loadRepository(root);
    expect(result.diagnostics).toEqual([]);
    expect(result.tenants.map((t) => [t.tenant, t.flags.map((f) => f.key)])).toEqual([
      ['alpha', ['a1', 'b1', 'b2']],
      ['zeta', ['z1']],
    ]);
    expect(result.files).toEqual(
      ['alpha/a/x.yml', 'alpha/b.yaml', 'alpha/tenant.yaml', 'zeta/flags.yaml', 'zeta/tenant.yaml'].map((f) => path.join(root, f)),
    );
  });

  it('throws REPO_NOT_FOUND for a missing directory', async () => {
    await expect(loadRepository(path.join(root, 'nope'))).rejects.toSatisfy(
      (error: unknown) => error instanceof CoreError && error.code === 'REPO_NOT_FOUND',
    );
  });

  it('reports an empty repository', async () => {
    mkdirSync(path.join(root, 'docs'));
    expect(codes(await loadRepository(root))).toEqual(['REPO_EMPTY']);
  });

  it('loads a tenant folder given directly', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/flags.yaml', FLAGS('one'));
    const result = await loadRepository(path.join(root, 'acme'));
    expect(result.diagnostics).toEqual([]);
    expect(result.tenants.map((t) => t.tenant)).toEqual(['acme']);
  });

  it('warns about YAML outside tenant folders and skips links', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/flags.yaml', FLAGS('one'));
    write('stray.yaml', 'version: 1\n');
    write('outside/secret.yaml', FLAGS('secret'));
    symlinkSync(path.join(root, 'outside/secret.yaml'), path.join(root, 'acme/linked.yaml'));
    rmSync(path.join(root, 'outside'), { recursive: true });
    const result = await loadRepository(root);
    expect(result.diagnostics.map((d) => [d.code, path.basename(d.file ?? '')])).toEqual([
      ['FILE_SKIPPED', 'linked.yaml'],
      ['FILE_OUTSIDE_TENANT', 'stray.yaml'],
    ]);
    expect(result.tenants[0]?.flags.map((f) => f.key)).toEqual(['one']);
  });

  it('checks the file cap with stat, before reading or parsing', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/big.yaml', 'flags: [unclosed\n' + '#'.repeat(5000));
    const result = await loadRepository(root, { maxFileBytes: 4096 });
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['FILE_TOO_LARGE', 1, 1]]);
  });

  it('checks the repository cap before parsing anything', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/a.yaml', 'broken: [\n' + '#'.repeat(600));
    write('acme/b.yaml', 'broken: [\n' + '#'.repeat(600));
    const result = await loadRepository(root, { maxRepoBytes: 1000 });
    expect(result.diagnostics.map((d) => [d.code, path.basename(d.file ?? '')])).toEqual([['REPO_TOO_LARGE', 'b.yaml']]);
    expect(result.tenants).toEqual([]);
  });

  it('reports a file that is not UTF-8', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/latin1.yaml', Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(codes(await loadRepository(root))).toEqual(['FILE_ENCODING']);
  });

  it('names the first definition of a duplicate flag by file:line:column', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/a.yaml', FLAGS('dup'));
    write('acme/b.yaml', FLAGS('other', 'dup'));
    const result = await loadRepository(root);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ code: 'FLAG_DUPLICATE_KEY', file: path.join(root, 'acme/b.yaml'), line: 9, column: 10 });
    expect(d?.message).toBe(`flag "dup" is already defined at ${path.join(root, 'acme/a.yaml')}:3:10`);
  });

  it('keeps valid flags of a file whose other flags fail the schema, and says so with errors', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/flags.yaml', FLAGS('good', 'bad').replace('  - key: bad\n    type: boolean', '  - key: bad\n    type: boolish'));
    const result = await loadRepository(root);
    expect(codes(result)).toEqual(['SCHEMA_ENUM']);
    expect(result.tenants[0]?.flags.map((f) => f.key)).toEqual(['good']);
  });

  it('reports every problem of every file, sorted by file, line and column', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/b.yaml', FLAGS('b').replace('offVariant: off', 'offVariant: of'));
    write('acme/a.yaml', 'version: 2\nflags:\n' + FLAG('a').replace('enabled: true', 'enabled: "true"'));
    const result = await loadRepository(root);
    expect(result.diagnostics.map((d) => `${path.basename(d.file ?? '')}:${d.line}:${d.column} ${d.code}`)).toEqual([
      'a.yaml:1:10 SCHEMA_CONST',
      'a.yaml:8:30 SCHEMA_TYPE',
      'b.yaml:6:17 VARIANT_UNKNOWN',
    ]);
  });

  it('checks flag environments against tenant.yaml only when it could be read', async () => {
    write('acme/tenant.yaml', 'version: 1\ntenant: acme\nenvironments: [{ key: Prod }]\n');
    write('acme/flags.yaml', FLAGS('one'));
    expect(codes(await loadRepository(root))).toEqual(['SCHEMA_PATTERN']);
  });

  it('warns about a tenant with nothing in it', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    const result = await loadRepository(root);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['TENANT_EMPTY', 'warning', 2]]);
    expect(result.tenants).toHaveLength(1);
  });

  it('assembles a tenant even when a flag file has errors, without the broken parts', async () => {
    write('acme/tenant.yaml', 'version: 1\ntenant: acme\nname: Acme\nenvironments: [{ key: production }]\n');
    write('acme/flags.yaml', FLAGS('ok'));
    write('acme/broken.yaml', 'version: 1\nflags: [\n');
    const result = await loadRepository(root);
    expect(codes(result)).toEqual(['YAML_SYNTAX']);
    expect(result.tenants).toEqual([
      { tenant: 'acme', name: 'Acme', environments: [{ key: 'production' }], flags: [expect.objectContaining({ key: 'ok' })], segments: [] },
    ]);
  });
});

describe('loadTenant and listRepositoryFiles', () => {
  it('loads one tenant folder', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/flags.yaml', FLAGS('one'));
    write('other/tenant.yaml', 'broken: [');
    const result = await loadTenant(root, 'acme');
    expect(result.diagnostics).toEqual([]);
    expect(result.tenant?.flags.map((f) => f.key)).toEqual(['one']);
    await expect(loadTenant(root, 'nobody')).rejects.toSatisfy(
      (error: unknown) => error instanceof CoreError && error.code === 'UNKNOWN_TENANT',
    );
  });

  it('lists the YAML files of every tenant', async () => {
    write('acme/tenant.yaml', TENANT('acme'));
    write('acme/x/flags.yml', FLAGS('one'));
    write('README.yaml', 'x: 1');
    expect(await listRepositoryFiles(root)).toEqual([path.join(root, 'acme/tenant.yaml'), path.join(root, 'acme/x/flags.yml')]);
  });
});

describe('displayPathFor', () => {
  it('is relative to the working directory when under it, else under the given directory', () => {
    const cwd = '/work/project';
    expect(displayPathFor('flags', cwd)('/work/project/flags/acme/a.yaml')).toBe('flags/acme/a.yaml');
    expect(displayPathFor('/work/project/flags', cwd)('/work/project/flags/acme/a.yaml')).toBe('flags/acme/a.yaml');
    expect(displayPathFor('/tmp/repo', cwd)('/tmp/repo/acme/a.yaml')).toBe('/tmp/repo/acme/a.yaml');
    expect(displayPathFor('../other', cwd)('/work/other/acme/a.yaml')).toBe('../other/acme/a.yaml');
    expect(displayPathFor('../../elsewhere', '/a/b/c')('/a/elsewhere/t/x.yaml')).toBe('../../elsewhere/t/x.yaml');
  });
});
