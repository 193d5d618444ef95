// The flags-repository workflow's shell steps, run for real: bash, jq, the
// built `ff` on PATH, a real server, a real Git repository with two tenants.
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { remoteState, startGitopsServer, tenantFiles, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { FF_BIN, ROOT } from '../cli/support/run-ff.js';
import { closedPort } from '../cli/support/stub-server.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';

interface Step {
  name?: string;
  run?: string;
}
const workflow = parse(await readFile(join(ROOT, 'docs/ci/flags-repo-workflow.yml'), 'utf8')) as {
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const script = (job: string, name: string) => workflow.jobs[job]!.steps.find((s) => s.name === name)!.run!;

let tmp: TempDir;
let ff: GitopsServer;
let repo: GitRepo;
let bin: string;
let token: string;

beforeAll(async () => {
  tmp = await tempDir('ff-workflow-e2e-');
  ff = await startGitopsServer();
  token = await ff.token(['shop', 'mall'], 'github-actions');
  repo = await createGitRepo(join(tmp.path, 'flags-repo'), 'https://github.com/acme/flags.git');
  await repo.write({ ...tenantFiles(SMALL_REPO, 'shop'), ...tenantFiles(SMALL_REPO, 'mall') });
  repo.commit('Two tenants');
  bin = join(tmp.path, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'ff'), `#!/bin/sh\nexec "${process.execPath}" "${FF_BIN}" "$@"\n`);
  await chmod(join(bin, 'ff'), 0o755);
});
afterAll(async () => {
  await ff?.close();
  await tmp?.remove();
});

/** Runs a step's script as Actions would (bash -e), with the job's env and the runner's files. */
function runStep(source: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', source], {
      cwd: repo.path,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: tmp.path, ...workflow.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runnerFiles(name: string) {
  const summary = join(tmp.path, `${name}-summary.md`);
  const output = join(tmp.path, `${name}-output.txt`);
  await writeFile(summary, '');
  await writeFile(output, '');
  return { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, GITHUB_SHA: repo.head() }, summary, output };
}

describe('the flags-repository workflow, run', () => {
  it('plans both tenants into one comment body, applies them on main, then plans no change', async () => {
    const server = { FF_SERVER: ff.url, FF_TOKEN: token };
    const first = await runnerFiles('first');
    const plan = await runStep(script('plan', 'Plan every tenant'), { ...server, ...first.env });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const body = await readFile(join(repo.path, 'plan.md'), 'utf8');
    expect(body.startsWith(`<!-- ff-plan-comment -->\n## ff plan\n\nFor commit ${repo.head().slice(0, 12)}.`)).toBe(true);
    for (const tenant of ['mall', 'shop']) {
      expect(body).toContain(`<!-- ff-plan:${tenant} -->\n### ff plan · tenant \`${tenant}\``);
    }
    expect(body.match(/\*\*Plan: 4 to create, 0 to update, 0 to delete\.\*\*/g)).toHaveLength(2);
    expect(await readFile(first.summary, 'utf8')).toBe(body);
    expect(await readFile(first.output, 'utf8')).toBe('changes=1\n');

    // plan.md and tenant-plan.md lie outside flags/: they do not make the apply's tree dirty.
    const apply = await runStep(script('apply', 'Apply every tenant'), { ...server, FF_ALLOW_DELETE: '' });
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('::group::ff apply mall');
    expect(apply.stdout).toContain('Applied to tenant shop: revision 0 → 1.');
    for (const tenant of ['mall', 'shop']) expect((await remoteState(ff.server, tenant, token)).revision).toBe(1);

    const second = await runnerFiles('second');
    expect((await runStep(script('plan', 'Plan every tenant'), { ...server, ...second.env })).code).toBe(0);
    expect(await readFile(second.output, 'utf8')).toBe('changes=0\n');
    expect(await readFile(join(repo.path, 'plan.md'), 'utf8')).toContain('No changes: the server already matches the files.');
    await repo.remove('plan.md');
    await repo.remove('tenant-plan.md');
  });

  it('fails the step and says so in the comment when a plan cannot be made', async () => {
    const files = await runnerFiles('down');
    const down = await runStep(script('plan', 'Plan every tenant'), { FF_SERVER: `http://127.0.0.1:${await closedPort()}`, FF_TOKEN: token, ...files.env });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Error SERVER_UNREACHABLE/);
    const body = await readFile(join(repo.path, 'plan.md'), 'utf8');
    expect(body).toContain('### ff plan · tenant `shop`\n\n❌ The plan failed: see the job log.');
    await repo.remove('plan.md');
    await repo.remove('tenant-plan.md');
  });
});
