#!/usr/bin/env node
// The steps of the ff GitHub Action (github-action/action.yml), one
// subcommand each:
//
//   install    npm-install the pinned @ff/cli into the runner's temp folder, put it on PATH
//   resolve    plan (pull_request) or apply (push, workflow_dispatch)
//   plan       ff validate, ff plan --out for every tenant; one PR comment; the plans for upload
//   lint       ff lint --format github (--usage with lint-usage): annotations on the pull request; fails at lint-fail-on
//   find-plan  the reviewed plan of the commit being applied: its artifact and run
//   apply      ff apply DIR --plan <reviewed> per tenant; a stale plan → a fresh plan, posted, not applied
//
// docs/ci.md describes each step, its permissions and the threat model.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PLAN_MARKER, planComment, staleComment, validationFailedComment } from './lib/comment.mjs';
import { ffToken } from './lib/credentials.mjs';
import { EXIT, runFf, tenantsOf } from './lib/ff.mjs';
import { githubApi } from './lib/github.mjs';
import { ActionError, addPath, appendSummary, error, group, input, readEvent, requiredEnv, setOutput, warning } from './lib/runner.mjs';

const temp = () => process.env.RUNNER_TEMP || path.resolve('.ff-action');
const flagsDir = () => input('flags-dir', 'flags');
const server = () => {
  const url = input('server');
  if (!/^https?:\/\//.test(url)) throw new ActionError('the `server` input must be the ff server URL (http:// or https://)');
  return url.replace(/\/+$/, '');
};
const artifactName = (sha) => `ff-plan-${sha}`;

async function install() {
  const spec = input('cli-package') || `@ff/cli@${input('cli-version')}`;
  const prefix = path.join(temp(), 'ff-cli');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--no-update-notifier', spec], { stdio: 'inherit' });
  const bin = process.platform === 'win32' ? prefix : path.join(prefix, 'bin');
  addPath(bin);
  const version = execFileSync(path.join(bin, 'ff'), ['--version'], { encoding: 'utf8' }).trim();
  process.stdout.write(`installed ${version}\n`);
  const pinned = input('cli-version');
  if (input('cli-package') === '' && !version.startsWith(`@ff/cli/${pinned} `)) {
    throw new ActionError(`expected @ff/cli ${pinned}, got ${version}`);
  }
}

function resolve() {
  const wanted = input('mode', 'auto');
  const event = process.env.GITHUB_EVENT_NAME;
  const mode = wanted !== 'auto' ? wanted : event === 'pull_request' ? 'plan' : 'apply';
  if (mode !== 'plan' && mode !== 'apply') throw new ActionError(`mode must be plan, apply or auto, not ${wanted}`);
  setOutput('mode', mode);
}

/** Plans every tenant into `outDir`: [{ tenant, markdown, failed, changed, baseRevision, planHash }]. */
async function planTenants(dir, tenants, outDir, env) {
  mkdirSync(outDir, { recursive: true });
  const results = [];
  for (const tenant of tenants) {
    const end = group(`ff plan ${tenant}`);
    const file = path.join(outDir, `${tenant}.plan.json`);
    const refs = input('refs') ? ['--refs', input('refs')] : [];
    const r = await runFf(['plan', dir, '--tenant', tenant, '--format', 'markdown', '--out', file, '--detailed-exitcode', ...refs], { env });
    end();
    if (r.code !== EXIT.ok && r.code !== EXIT.changes) {
      results.push({ tenant, failed: true, stderr: r.stderr });
      continue;
    }
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    results.push({ tenant, markdown: r.stdout, failed: false, changed: r.code === EXIT.changes, baseRevision: saved.base_revision, planHash: saved.plan_hash });
  }
  return results;
}

async function upsertPlanComment(github, issue, body) {
  const comments = await github.listComments(issue);
  const previous = comments.find((c) => c.user?.type === 'Bot' && typeof c.body === 'string' && c.body.includes(PLAN_MARKER));
  if (previous) await github.updateComment(previous.id, body);
  else await github.createComment(issue, body);
}

async function plan() {
  const event = readEvent();
  const pr = event.pull_request;
  if (!pr) throw new ActionError('plan runs on pull_request events (it comments on the pull request)');
  const headSha = pr.head.sha;
  const github = githubApi(input('github-token'));
  const dir = flagsDir();
  const valid = await runFf(['validate', dir, '--format', 'github'], { inherit: true });
  if (valid.code !== EXIT.ok) {
    await upsertPlanComment(github, pr.number, validationFailedComment(headSha));
    throw new ActionError(`ff validate found errors in ${dir}`);
  }
  setOutput('validated', 'true');
  const env = { FF_SERVER: server(), FF_TOKEN: await ffToken(server()) };
  const tenants = input('tenants') ? input('tenants').split(/[\s,]+/).filter(Boolean) : await tenantsOf(dir);
  const outDir = path.join(temp(), 'ff-plan');
  const results = await planTenants(dir, tenants, outDir, env);
  const artifact = artifactName(headSha);
  const body = planComment({ headSha, server: server(), artifact, tenants: results });
  await upsertPlanComment(github, pr.number, body);
  appendSummary(body);
  setOutput('changes', results.some((r) => r.changed) ? 'true' : 'false');
  const failed = results.filter((r) => r.failed);
  if (failed.length > 0) throw new ActionError(`the plan failed for ${failed.map((r) => r.tenant).join(', ')}: see the log`);
  setOutput('artifact', artifact);
  setOutput('plan-dir', outDir);
}

async function lint() {
  const dir = flagsDir();
  const failOn = input('lint-fail-on', 'error');
  if (!['error', 'warning', 'notice'].includes(failOn)) throw new ActionError(`lint-fail-on must be error, warning or notice, not ${failOn}`);
  const withUsage = input('lint-usage', 'false');
  if (!['true', 'false'].includes(withUsage)) throw new ActionError(`lint-usage must be true or false, not ${withUsage}`);
  // Only --usage talks to the server; without it lint needs no credentials at all.
  const usage = withUsage === 'true' ? { args: ['--usage'], env: { FF_SERVER: server(), FF_TOKEN: await ffToken(server()) } } : { args: [], env: {} };
  // Annotations go straight to the job log, where GitHub turns them into file:line marks on the pull request.
  const r = await runFf(['lint', dir, '--format', 'github', '--fail-on', failOn, ...usage.args], { inherit: true, env: usage.env });
  setOutput('result', r.code === EXIT.ok ? 'passed' : 'failed');
  if (r.code !== EXIT.ok) throw new ActionError(`ff lint found problems at ${failOn} severity or above in ${dir} (see the annotations)`);
}

/** The pull request a pushed commit merged, if any. */
async function mergedPull(github, sha) {
  const pulls = await github.pullsOfCommit(sha);
  return pulls.find((p) => p.merge_commit_sha === sha) ?? pulls.find((p) => p.merged_at) ?? undefined;
}

async function findPlan() {
  const github = githubApi(input('github-token'));
  const sha = requiredEnv('GITHUB_SHA');
  const given = input('reviewed-commit');
  const pull = await mergedPull(github, given || sha).catch(() => undefined);
  const reviewed = given || pull?.head?.sha;
  if (pull) setOutput('pull-request', pull.number);
  if (!reviewed) {
    warning(`no pull request merged ${sha} and no reviewed-commit was given: there is no reviewed plan to apply`);
    return;
  }
  setOutput('reviewed-sha', reviewed);
  const name = artifactName(reviewed);
  const artifacts = (await github.artifactsNamed(name)).filter((a) => a.name === name && !a.expired);
  artifacts.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const newest = artifacts[0];
  if (!newest) {
    warning(`no artifact ${name}: the plan of ${reviewed} was not saved, or it expired`);
    return;
  }
  setOutput('artifact', name);
  setOutput('run-id', newest.workflow_run?.id ?? '');
  setOutput('plan-dir', path.join(temp(), 'ff-reviewed-plan'));
}

async function apply() {
  const github = githubApi(input('github-token'));
  const sha = requiredEnv('GITHUB_SHA');
  const dir = flagsDir();
  const planDir = input('plan-dir');
  const reviewedSha = input('reviewed-sha') || undefined;
  const issue = input('pull-request') || undefined;
  const valid = await runFf(['validate', dir, '--format', 'github'], { inherit: true });
  if (valid.code !== EXIT.ok) throw new ActionError(`ff validate found errors in ${dir}: nothing was applied`);
  const env = { FF_SERVER: server(), FF_TOKEN: await ffToken(server()) };

  const reviewed = new Map();
  if (planDir && existsSync(planDir)) {
    for (const name of readdirSync(planDir).filter((f) => f.endsWith('.plan.json'))) {
      const file = path.join(planDir, name);
      reviewed.set(JSON.parse(readFileSync(file, 'utf8')).tenant, file);
    }
  }
  const tenants = input('tenants') ? input('tenants').split(/[\s,]+/).filter(Boolean) : await tenantsOf(dir);
  const extra = input('allow-delete') === 'true' ? ['--allow-delete', ...(input('allow-delete-in-use') === 'true' ? ['--allow-delete-in-use'] : [])] : [];
  if (input('refs')) extra.push('--refs', input('refs'));
  const applied = [];
  const stale = [];
  const failed = [];
  for (const tenant of tenants) {
    const file = reviewed.get(tenant);
    if (!file) {
      stale.push({ tenant, stderr: `no reviewed plan for tenant ${tenant} in ${reviewedSha ? `the plan of ${reviewedSha}` : 'this run'}` });
      continue;
    }
    const end = group(`ff apply ${tenant}`);
    const r = await runFf(['apply', dir, '--plan', file, '--auto-approve', ...extra], { env });
    end();
    process.stdout.write(r.stdout);
    if (r.code === EXIT.ok) applied.push({ tenant, stdout: r.stdout });
    else if (r.code === EXIT.stale) stale.push({ tenant, stderr: r.stderr });
    else failed.push({ tenant, stderr: r.stderr });
  }
  appendSummary(['## ff apply', '', ...applied.map((a) => `- \`${a.tenant}\`: ${a.stdout.trim().split('\n').at(-1)}`)].join('\n'));

  if (stale.length > 0) {
    const freshDir = path.join(temp(), 'ff-fresh-plan');
    const fresh = await planTenants(dir, stale.map((s) => s.tenant), freshDir, env);
    const artifact = artifactName(sha);
    const body = staleComment({
      sha,
      reviewedSha,
      artifact,
      stale,
      fresh,
      repository: requiredEnv('GITHUB_REPOSITORY'),
      serverUrl: process.env.GITHUB_SERVER_URL || 'https://github.com',
    });
    appendSummary(body);
    if (issue) await github.createComment(issue, body);
    if (fresh.some((t) => !t.failed)) {
      setOutput('fresh-artifact', artifact);
      setOutput('fresh-plan-dir', freshDir);
    }
  }
  setOutput('applied', applied.map((a) => a.tenant).join(','));
  setOutput('stale', stale.map((s) => s.tenant).join(','));
  const problems = [
    ...stale.map((s) => `${s.tenant}: not applied, the reviewed plan is stale (a fresh plan was posted for review)`),
    ...failed.map((f) => `${f.tenant}: the apply failed: ${f.stderr.trim().split('\n').at(-1)}`),
  ];
  if (problems.length > 0) throw new ActionError(problems.join('; '));
}

const STEPS = { install, resolve, plan, lint, 'find-plan': findPlan, apply };

const step = STEPS[process.argv[2]];
if (!step) {
  error(`unknown step ${process.argv[2]} (one of ${Object.keys(STEPS).join(', ')})`);
  process.exit(2);
}
try {
  await step();
} catch (err) {
  error(err instanceof ActionError ? err.message : (err?.stack ?? String(err)));
  process.exitCode = 1;
}
