// `ff lint` as a user and CI run it: the built binary on a real Git
// repository whose commits carry chosen dates, so ages come from history.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFf } from '../cli/support/run-ff.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

const TENANT = 'version: 1\ntenant: shop\nenvironments:\n  - key: prod\n';
const flag = (key: string, extra = ''): string =>
  `  - key: ${key}\n    owner: web\n${extra}    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n    environments:\n      prod:\n        enabled: true\n        default: { rollout: { on: 10, off: 90 } }\n`;

let tmp: TempDir;
let repo: GitRepo;
let dir: string;

interface LintJson {
  version: number;
  history: boolean;
  summary: { error: number; warning: number; notice: number };
  findings: { code: string; severity: string; flag?: string; file: string; line: number; column: number; message: string }[];
}

beforeAll(async () => {
  tmp = await tempDir('ff-lint-e2e-');
  repo = await createGitRepo(join(tmp.path, 'repo'));
  dir = join(repo.path, 'flags');
  await repo.write({ 'flags/shop/tenant.yaml': TENANT, 'flags/shop/a.yaml': `version: 1\nflags:\n${flag('veteran')}` });
  repo.git('add', '-A');
  repo.git('commit', '-q', '--date', '2026-01-01T12:00:00Z', '-m', 'add veteran');
  // A later commit moves the flag to another file and adds a newcomer: the veteran keeps its first date.
  await repo.remove('flags/shop/a.yaml');
  await repo.write({ 'flags/shop/b.yaml': `version: 1\nflags:\n${flag('veteran')}${flag('newcomer', '    kind: experiment\n')}` });
  repo.git('add', '-A');
  repo.git('commit', '-q', '--date', '2026-03-01T12:00:00Z', '-m', 'move veteran, add newcomer');
});
afterAll(() => tmp.remove());

describe('ff lint', () => {
  it('ages flags from their first commit, through moves between files', async () => {
    const r = await runFf(['lint', dir, '--at', '2026-03-20T00:00:00Z', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as LintJson;
    expect(report.history).toBe(true);
    expect(report.findings.map((f) => [f.code, f.flag, f.line, f.column])).toEqual([['LINT_STALE_AGE', 'veteran', 3, 10]]);
    expect(report.findings[0]!.message).toContain('77 days old (first committed 2026-01-01)');
    // Warnings alone pass by default.
    expect(r.code).toBe(0);
  });

  it('exits 1 when a finding is at --fail-on or above; text format names file:line:col', async () => {
    const r = await runFf(['lint', dir, '--at', '2026-04-20T00:00:00Z', '--fail-on', 'warning'], { cwd: repo.path });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('flags/shop/b.yaml:3:10  warning  LINT_STALE_AGE  release flag "veteran" is 108 days old');
    expect(r.stdout).toContain('flags/shop/b.yaml:12:10  warning  LINT_STALE_AGE  experiment flag "newcomer" is 49 days old');
    expect(r.stdout).toMatch(/2 warnings in 2 flags \(1 tenant\)\.\n$/);
  });

  it('takes severities from the repository’s .ff-lint.yaml', async () => {
    await writeFiles(dir, { '.ff-lint.yaml': 'version: 1\nrules:\n  LINT_STALE_AGE: error\n' });
    try {
      const r = await runFf(['lint', dir, '--at', '2026-03-20T00:00:00Z', '--format', 'github'], { env: { GITHUB_WORKSPACE: repo.path } });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        '::error file=flags/shop/b.yaml,line=3,col=10,endLine=3,endColumn=17,title=LINT_STALE_AGE::release flag "veteran" is 77 days old (first committed 2026-01-01); release flags are expected to live 40 days\n',
      );
      expect(r.stderr).toContain('1 error in 2 flags');
    } finally {
      await repo.remove('flags/.ff-lint.yaml');
    }
  });

  it('refuses an invalid configuration with its position', async () => {
    const config = join(tmp.path, 'bad.yaml');
    await writeFiles(tmp.path, { 'bad.yaml': 'version: 1\nrules:\n  LINT_STALE_AGE: fatal\n' });
    const r = await runFf(['lint', dir, '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a valid lint configuration (1 problem)');
    expect(r.stderr).toContain('bad.yaml:3:19');
  });

  it('without Git history only expires makes a flag stale, and says so', async () => {
    const r = await runFf(['lint', dir, '--at', '2027-01-01', '--no-history']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No findings in 2 flags (1 tenant).');
    expect(r.stdout).toContain('Ages not checked');
  });

  it('refuses a repository that does not validate, and a bad --at', async () => {
    const broken = join(tmp.path, 'broken');
    await writeFiles(broken, { 'shop/tenant.yaml': TENANT, 'shop/a.yaml': 'version: 1\nflags:\n  - key: x\n' });
    const r = await runFf(['lint', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCHEMA_REQUIRED');
    expect(r.stderr).toContain('before linting');
    const at = await runFf(['lint', dir, '--at', 'next tuesday']);
    expect(at.code).toBe(1);
    expect(at.stderr).toContain('--at "next tuesday" is not an ISO-8601 date');
  });
});
