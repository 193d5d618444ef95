// Running the installed `ff` (on PATH after the install step).
import { spawn } from 'node:child_process';

/**
 * Runs `ff args…`. stdout is captured unless `inherit` (validate's
 * annotations must reach the job log); stderr is passed through and kept.
 */
export function runFf(args, { env = {}, inherit = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('ff', args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', inherit ? 'inherit' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The tenants of a flags directory, as `ff validate --format json` lists them. */
export async function tenantsOf(dir) {
  const r = await runFf(['validate', dir, '--format', 'json']);
  const report = JSON.parse(r.stdout || '{}');
  return (report.tenants ?? []).map((t) => t.key);
}

/** Exit statuses of `ff` (cli/exit-codes.ts). */
export const EXIT = { ok: 0, failure: 1, changes: 2, stale: 3 };
