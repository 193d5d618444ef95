// Wall-clock timing of whole processes (hyperfine is not installed everywhere):
// spawnSync each command N times, in rounds whose order is shuffled, and keep
// every sample so the report can show the median and the minimum.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median, min, seededRandom, shuffled } from '../lib/stats.js';

export interface TimedCommand {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  runs: number;
}

export interface CommandTiming {
  name: string;
  commandLine: string;
  samplesMs: number[];
  medianMs: number;
  minMs: number;
  /** Distinct exit statuses seen; a benchmark of a failing command still reports, but says so. */
  exitCodes: number[];
  /** The start of the output of the first failing run, to show why. */
  failureOutput?: string;
}

function runOnce(c: TimedCommand): { ms: number; status: number; output: string } {
  const start = performance.now();
  // Output goes to a pipe and is discarded: the process pays for writing it, as it
  // would into a terminal or CI log, but we do not print 10,000 lines.
  const result = spawnSync(c.command, c.args, {
    cwd: c.cwd,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - start;
  return { ms, status: result.status ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}` };
}

export function timeCommands(commands: readonly TimedCommand[], seed: number, warmup = 1): CommandTiming[] {
  const samples = new Map<TimedCommand, number[]>(commands.map((c) => [c, []]));
  const statuses = new Map<TimedCommand, Set<number>>(commands.map((c) => [c, new Set()]));
  const failures = new Map<TimedCommand, string>();

  // Warm the file-system cache and the compile cache before anything is timed.
  for (const c of commands) for (let i = 0; i < warmup; i++) runOnce(c);

  const random = seededRandom(seed);
  const rounds = Math.max(...commands.map((c) => c.runs));
  for (let round = 0; round < rounds; round++) {
    for (const c of shuffled(commands, random)) {
      if (samples.get(c)!.length >= c.runs) continue;
      const { ms, status, output } = runOnce(c);
      samples.get(c)!.push(ms);
      statuses.get(c)!.add(status);
      if (status !== 0 && !failures.has(c)) failures.set(c, output.slice(0, 2000));
    }
  }

  return commands.map((c) => {
    const s = samples.get(c)!;
    const failureOutput = failures.get(c);
    return {
      name: c.name,
      commandLine: [c.command === process.execPath ? 'node' : c.command, ...c.args].join(' '),
      samplesMs: s,
      medianMs: median(s),
      minMs: min(s),
      exitCodes: [...statuses.get(c)!].sort((a, b) => a - b),
      ...(failureOutput === undefined ? {} : { failureOutput }),
    };
  });
}
