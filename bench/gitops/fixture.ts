// The repository the GitOps figures are measured on: scripts/gen-repo.mjs's
// deterministic flags (N flags × 3 environments, one tenant) in a real Git
// repository, plus a way to change exactly one flag and commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GitopsFixture {
  /** The Git repository's root. */
  repo: string;
  /** The flags folder inside it. */
  flagsDir: string;
  tenant: string;
  /** scripts/gen-repo.mjs's own summary line. */
  summary: string;
  /** Rewrites one flag's description (alternating two texts) and commits: one update in the next plan. */
  commitOneChange(round: number): void;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
}

export function createFixture(root: string, work: string, flags: number, seed: number): GitopsFixture {
  const repo = path.join(work, 'flags-repo');
  const flagsDir = path.join(repo, 'flags');
  const gen = spawnSync(process.execPath, ['scripts/gen-repo.mjs', '--out', flagsDir, '--flags', String(flags), '--tenants', '1', '--seed', String(seed)], {
    cwd: root,
    encoding: 'utf8',
  });
  if (gen.status !== 0) throw new Error(`scripts/gen-repo.mjs failed: ${gen.stderr}`);
  const tenant = readdirSync(flagsDir).find((name) => !name.startsWith('.'));
  if (tenant === undefined) throw new Error('gen-repo wrote no tenant');
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['config', 'user.name', 'Bench']);
  git(repo, ['config', 'user.email', 'bench@example.test']);
  git(repo, ['config', 'commit.gpgsign', 'false']);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', `Generated ${flags} flags`]);

  const tenantDir = path.join(flagsDir, tenant);
  const flagFile = readdirSync(tenantDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('tenant.yaml'))
    .map((f) => path.join(tenantDir, f))
    .find((f) => /^ {4}description: Generated /m.test(readFileSync(f, 'utf8')));
  if (flagFile === undefined) throw new Error('no generated flag description to edit');
  return {
    repo,
    flagsDir,
    tenant,
    summary: gen.stdout.trim().replace(flagsDir, '<tmp>'),
    commitOneChange(round) {
      const text = readFileSync(flagFile, 'utf8');
      const next = text.replace(/^( {4}description: Generated [^\n]*?)( \(edit \d+\))?$/m, `$1 (edit ${round})`);
      writeFileSync(flagFile, next);
      git(repo, ['commit', '-q', '-am', `Edit one flag (${round})`]);
    },
  };
}
