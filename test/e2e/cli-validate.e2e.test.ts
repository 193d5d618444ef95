// `ff validate` as CI runs it: the built binary on the example repository and
// on every fixture of the invalid corpus (test/fixtures/README.md).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidFixtures } from '../fixtures/expectations.js';
import { ANSI_ESCAPE, runFf } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

interface ValidationJson {
  version: number;
  ok: boolean;
  dir: string;
  files: string[];
  tenants: { key: string; environments: string[]; flags: number; segments: number }[];
  summary: { errors: number; warnings: number };
  diagnostics: { code: string; severity: string; message: string; file?: string; line?: number; column?: number }[];
}

let tmp: TempDir;
let broken: string;

beforeAll(async () => {
  tmp = await tempDir('ff-validate-e2e-');
  broken = join(tmp.path, 'broken');
  // Two mistakes in one file: an unknown segment and an unknown variant.
  await writeFiles(broken, {
    ...SMALL_REPO,
    'shop/flags.yaml': SMALL_REPO['shop/flags.yaml']!.replace('- segment: staff', '- segment: ghosts').replace(
      'variant: green\n          - id: half',
      'variant: purple\n          - id: half',
    ),
  });
});
afterAll(async () => {
  await tmp.remove();
});

describe('ff validate on the example repository', () => {
  it('passes in text format, with a summary and no colour in a pipe', async () => {
    const r = await runFf(['validate', 'flags']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No problems found in \d+ files \(2 tenants\)\.\n$/);
    expect(r.stdout).not.toMatch(ANSI_ESCAPE);
    expect(r.stderr).toBe('');
  });

  it('defaults to ./flags', async () => {
    const r = await runFf(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 tenants');
  });

  it('passes in json format, listing both tenants and every file', async () => {
    const r = await runFf(['validate', 'flags/', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ValidationJson;
    expect(report).toMatchObject({ version: 1, ok: true, dir: 'flags/', summary: { errors: 0 } });
    expect(report.tenants.map((t) => t.key)).toEqual(['acme', 'globex']);
    expect(report.tenants.every((t) => t.environments.length === 3)).toBe(true);
    expect(report.files.length).toBeGreaterThanOrEqual(4);
    expect(report.files.every((f) => f.startsWith('flags/') && f.endsWith('.yaml'))).toBe(true);
  });

  it('prints no annotation and exits 0 in github format', async () => {
    const r = await runFf(['validate', 'flags', '--format', 'github']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No problems found');
  });
});

describe('ff validate on the invalid corpus', () => {
  const fixtures = invalidFixtures();

  it('has at least 20 fixtures, each declaring its expectations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const fixture of fixtures) expect(fixture.expected.length, fixture.name).toBeGreaterThan(0);
  });

  // Run from inside the fixture, so files are named as the expectations name them.
  describe.concurrent.each(fixtures)('$name', (fixture) => {
    it('reports exactly the expected codes at the expected positions', async ({ expect }) => {
      const r = await runFf(['validate', '.', '--format', 'json'], { cwd: fixture.dir });
      const report = JSON.parse(r.stdout) as ValidationJson;
      const found = report.diagnostics.map((d) => ({ file: d.file, code: d.code, line: d.line, column: d.column }));
      expect(found).toEqual(expect.arrayContaining(fixture.expected));
      expect(found).toHaveLength(fixture.expected.length);
      expect(r.code).toBe(report.summary.errors > 0 ? 1 : 0);
      expect(report.ok).toBe(report.summary.errors === 0);
      expect(r.stderr).toBe('');
    });
  });

  it('fails most fixtures with exit 1 (a fixture is one mistake; only warnings pass)', async () => {
    const fixture = fixtures.find((f) => f.name.includes('unknown-segment')) ?? fixtures[0]!;
    const r = await runFf(['validate', fixture.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/:\d+:\d+ {2}error {4}[A-Z_]+ {2}\S/);
  });
});

describe('ff validate output formats', () => {
  it('text: one file:line:col line per problem, then the counts', async () => {
    const r = await runFf(['validate', broken]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const problems = lines.filter((l) => l.startsWith(`${broken}/shop/flags.yaml:`));
    expect(problems).toHaveLength(2);
    for (const line of problems) expect(line).toMatch(/^\S+\.yaml:\d+:\d+ {2}error {4}[A-Z_]+ {2}.+$/);
    expect(lines.at(-1)).toBe('Found 2 errors and 0 warnings in 2 files.');
  });

  it('github: one ::error workflow command per problem, positions and code in properties', async () => {
    const r = await runFf(['validate', broken, '--format', 'github'], { env: { GITHUB_WORKSPACE: tmp.path } });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^::error file=broken\/shop\/flags\.yaml,line=\d+,col=\d+(,endLine=\d+,endColumn=\d+)?,title=[A-Z_]+::[^\n]+$/);
    }
    expect(r.stderr).toContain('Found 2 errors');
  });

  it('json: the same problems as data, exit 1', async () => {
    const r = await runFf(['validate', broken, '-f', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ValidationJson;
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ errors: 2, warnings: 0 });
    expect(report.diagnostics.every((d) => d.line !== undefined && d.column !== undefined)).toBe(true);
  });

  it('colours text only when forced, never under NO_COLOR', async () => {
    const forced = await runFf(['validate', broken], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI_ESCAPE);
    const noColor = await runFf(['validate', broken], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(ANSI_ESCAPE);
    const json = await runFf(['validate', broken, '-f', 'json'], { env: { FORCE_COLOR: '1' } });
    expect(json.stdout).not.toMatch(ANSI_ESCAPE);
  });
});

describe('ff validate failures', () => {
  function expectOneErrorLine(stderr: string, code: string): void {
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^Error ${code}: `));
    expect(stderr).not.toMatch(/\n\s+at /);
  }

  it('a missing directory is one line, exit 1', async () => {
    const r = await runFf(['validate', join(tmp.path, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectOneErrorLine(r.stderr, 'REPO_NOT_FOUND');
  });

  it('an unknown flag or format is one line, exit 1', async () => {
    const unknown = await runFf(['validate', '--bogus']);
    expect(unknown.code).toBe(1);
    expectOneErrorLine(unknown.stderr, 'USAGE');
    expect(unknown.stderr).toContain('--bogus');
    const format = await runFf(['validate', '--format', 'xml']);
    expect(format.code).toBe(1);
    expectOneErrorLine(format.stderr, 'USAGE');
  });

  it('an unknown command is one line, exit 1', async () => {
    const r = await runFf(['valdiate']);
    expect(r.code).toBe(1);
    expectOneErrorLine(r.stderr, 'USAGE');
    expect(r.stderr).toContain('validate');
  });

  it('has --help with examples, and -h', async () => {
    const r = await runFf(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('$ ff validate flags --format github');
    expect(r.stdout).not.toMatch(ANSI_ESCAPE);
    const short = await runFf(['validate', '-h']);
    expect(short.stdout).toBe(r.stdout);
    const root = await runFf(['--help']);
    expect(root.stdout).toMatch(/validate[\s\S]*fmt|fmt[\s\S]*validate/);
  });
});

describe('ff validate prints file names and values, never obeys them', () => {
  // A file whose name holds a line break, a workflow command and an ESC
  // sequence, and a value with the same: CI must see one annotation per
  // diagnostic, all of them ours, and a terminal no escape sequence.
  const evil = 'x\n::error file=README.md,line=1::injected\u001b[2J.yaml';
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp.path, 'evil');
    await writeFiles(dir, {
      ...SMALL_REPO,
      [`shop/${evil}`]: 'version: 1\nflags:\n  - key: evil\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: "off\\n::error::value\\u001b[31m"\n',
    });
  });

  it('text format: no line starts a workflow command, no ESC reaches the output', async () => {
    const r = await runFf(['validate', dir]);
    expect(r.code).toBe(1);
    for (const line of r.stdout.split('\n')) expect(line).not.toMatch(/^\s*::/);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('x\\n::error file=README.md,line=1::injected\\e[2J.yaml');
  });

  it('github format: exactly one workflow command per diagnostic, none injected', async () => {
    const r = await runFf(['validate', dir, '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^::(error|warning) file=[^\n]*::[^\n]*$/);
    expect(r.stdout).not.toContain('README.md,line=1');
    expect(r.stdout).not.toContain('\u001b');
  });
});
