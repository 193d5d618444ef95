// The GitHub Actions workflow shipped for flags repositories (issue 4, item 7):
// triggers, least-privilege permissions, the commands each job runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './support/run-ff.js';

const WORKFLOW_FILE = join(ROOT, 'docs/ci/flags-repo-workflow.yml');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { pull_request: { paths: string[] }; push: { branches: string[]; paths: string[] } };
  permissions: Record<string, string>;
  jobs: { plan: Job; apply: Job };
}

const workflow = parse(readFileSync(WORKFLOW_FILE, 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const step = (job: Job, name: string) => {
  const found = job.steps.find((s) => s.name === name);
  expect(found, name).toBeDefined();
  return found!;
};

describe('the flags-repository workflow', () => {
  it('runs on pull requests and on pushes to main that touch the flags', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on.push.branches).toEqual(['main']);
    for (const trigger of [workflow.on.pull_request, workflow.on.push]) expect(trigger.paths).toContain('flags/**');
  });

  it('grants least privilege: read by default, pull-request comments only to the plan job, never id-token', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(workflow.jobs.apply.permissions).toEqual({ contents: 'read' });
  });

  it('plans on pull requests and applies on main only', () => {
    expect(workflow.jobs.plan.if).toBe("github.event_name == 'pull_request'");
    expect(workflow.jobs.apply.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it('takes the server and token from secrets, in both jobs', () => {
    for (const job of [workflow.jobs.plan, workflow.jobs.apply]) {
      expect(job.env).toMatchObject({ FF_SERVER: '${{ secrets.FF_SERVER }}', FF_TOKEN: '${{ secrets.FF_TOKEN }}' });
    }
  });

  it('validates with GitHub annotations, then plans every tenant as markdown', () => {
    const plan = workflow.jobs.plan;
    expect(plan.steps[0]?.uses).toMatch(/^actions\/checkout@v\d+$/);
    expect(step(plan, 'Validate').run).toBe('ff validate "$FLAGS_DIR" --format github');
    const script = step(plan, 'Plan every tenant').run!;
    expect(script).toContain(`ff validate "$FLAGS_DIR" --format json | jq -r '.tenants[].key'`);
    expect(script).toContain('ff plan "$FLAGS_DIR" --tenant "$tenant" --format markdown --detailed-exitcode');
    expect(script).toContain("marker='<!-- ff-plan-comment -->'");
  });

  it('posts ONE comment per pull request, found again by its marker and updated on each push', () => {
    const comment = step(workflow.jobs.plan, 'Comment on the pull request');
    expect(comment.uses).toMatch(/^actions\/github-script@v\d+$/);
    expect(comment.if).toBe("always() && steps.validate.outcome != 'skipped'");
    const script = comment.with!.script!;
    expect(script).toContain("const marker = '<!-- ff-plan-comment -->'");
    expect(script).toContain('github.paginate(github.rest.issues.listComments');
    expect(script).toMatch(/if \(previous\) await github\.rest\.issues\.updateComment\(/);
    expect(script).toMatch(/else await github\.rest\.issues\.createComment\(/);
    // Nothing from the pull request is interpolated into the script (script injection).
    expect(script).not.toContain('${{');
  });

  it('applies every tenant on main without prompting, one apply at a time', () => {
    const apply = workflow.jobs.apply;
    expect(apply.concurrency).toEqual({ group: 'ff-apply', 'cancel-in-progress': false });
    expect(runs(apply)).toContain('ff apply "$FLAGS_DIR" --tenant "$tenant" --auto-approve');
    expect(runs(apply)).not.toContain('--allow-dirty');
    expect(step(apply, 'Apply every tenant').env).toEqual({ FF_ALLOW_DELETE: '${{ vars.FF_ALLOW_DELETE }}' });
  });

  it('never interpolates expressions into shell scripts', () => {
    for (const job of [workflow.jobs.plan, workflow.jobs.apply]) {
      for (const s of job.steps) expect(s.run ?? '', s.name).not.toContain('${{');
    }
  });
});
