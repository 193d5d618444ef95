// Runs the built `ff` binary as a child process, as a user or CI would.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const FF_BIN = resolve(ROOT, 'bin/run.js');

export interface FfResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface FfOptions {
  cwd?: string;
  /** Added to a clean environment: no colour variables leak in from the test runner. */
  env?: Record<string, string>;
  stdin?: string;
}

export function runFf(args: readonly string[], options: FfOptions = {}): Promise<FfResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.GITHUB_WORKSPACE;
  Object.assign(env, options.env);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [FF_BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[`);
