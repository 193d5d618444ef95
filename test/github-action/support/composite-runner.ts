// Runs a composite action (action.yml) the way the GitHub runner does, as
// far as can be done here: inputs with defaults, each step's `if:`, `env:` and
// `run:` through bash, GITHUB_OUTPUT / GITHUB_PATH / GITHUB_STEP_SUMMARY files,
// step outputs and action outputs. `uses:` steps (setup-node, the artifact
// actions) cannot run here: the test supplies a stand-in for each by name.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { condition, interpolate, type Contexts, type Status } from './expressions.js';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export type UsesHandler = (inputs: Record<string, string>) => Promise<void> | void;

export interface CompositeRun {
  actionDir: string;
  /** The `with:` of the workflow step. */
  inputs: Record<string, string>;
  /** The github context (event_name, sha, repository, token, …). */
  github: Record<string, unknown>;
  /** The runner's environment: GITHUB_*, RUNNER_TEMP, ACTIONS_ID_TOKEN_*, HOME, PATH. */
  env: Record<string, string>;
  cwd: string;
  uses: Record<string, UsesHandler>;
}

export interface StepRecord {
  id: string;
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface CompositeResult {
  outcome: 'success' | 'failure';
  steps: StepRecord[];
  outputs: Record<string, string>;
  stdout: string;
}

/** Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
      outputs[name] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function bash(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runComposite(run: CompositeRun): Promise<CompositeResult> {
  const action = parse(readFileSync(path.join(run.actionDir, 'action.yml'), 'utf8')) as ActionFile;
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const status: Status = { failed: false, cancelled: false };
  for (const name of Object.keys(run.inputs)) if (!(name in action.inputs)) throw new Error(`the action has no input "${name}"`);
  const inputs: Record<string, string> = {};
  const contexts: Contexts = { github: run.github, inputs, steps: {}, env: run.env, runner: { temp: run.env.RUNNER_TEMP ?? '' } };
  for (const [name, spec] of Object.entries(action.inputs)) {
    const given = run.inputs[name];
    if (given === undefined && spec.required) throw new Error(`input "${name}" is required`);
    inputs[name] = given ?? interpolate(String(spec.default ?? ''), contexts, status);
  }

  const files = path.join(run.env.RUNNER_TEMP ?? run.cwd, `runner-files-${Date.now()}`);
  mkdirSync(files, { recursive: true });
  const pathFile = path.join(files, 'path');
  const summaryFile = run.env.GITHUB_STEP_SUMMARY ?? path.join(files, 'summary');
  writeFileSync(pathFile, '');
  const records: StepRecord[] = [];
  let stdoutAll = '';

  for (const [index, step] of action.runs.steps.entries()) {
    const id = step.id ?? `__${index}`;
    const name = step.name ?? step.uses ?? step.run ?? id;
    const record: StepRecord = { id, name, outcome: 'skipped', stdout: '', stderr: '', outputs: {} };
    records.push(record);
    (contexts.steps as Record<string, unknown>)[id] = { outputs: record.outputs, outcome: 'skipped' };
    if (!condition(step.if, contexts, status)) continue;
    if (step.uses !== undefined) {
      const handler = run.uses[step.uses];
      if (!handler) throw new Error(`no stand-in for "uses: ${step.uses}"`);
      const withInputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts, status)]));
      try {
        await handler(withInputs);
        record.outcome = 'success';
      } catch (error) {
        record.outcome = 'failure';
        record.stderr = String(error);
        status.failed = true;
      }
    } else {
      if (step.shell !== 'bash') throw new Error(`step ${name}: composite run steps need shell: bash here`);
      const outputFile = path.join(files, `output-${index}`);
      writeFileSync(outputFile, '');
      const added = readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse();
      const env: Record<string, string> = {
        ...run.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts, status)])),
        GITHUB_ACTION_PATH: run.actionDir,
        GITHUB_OUTPUT: outputFile,
        GITHUB_PATH: pathFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        PATH: [...added, run.env.PATH ?? ''].join(':'),
      };
      const result = await bash(interpolate(step.run ?? '', contexts, status), env, run.cwd);
      record.stdout = result.stdout;
      record.stderr = result.stderr;
      stdoutAll += result.stdout;
      Object.assign(record.outputs, parseOutputFile(readFileSync(outputFile, 'utf8')));
      record.outcome = result.code === 0 ? 'success' : 'failure';
      if (result.code !== 0) status.failed = true;
    }
    (contexts.steps as Record<string, unknown>)[id] = { outputs: record.outputs, outcome: record.outcome };
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, v]) => [k, interpolate(v.value, contexts, status)]));
  return { outcome: status.failed ? 'failure' : 'success', steps: records, outputs, stdout: stdoutAll };
}
