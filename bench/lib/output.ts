// Writes one benchmark's figures as JSON under the output folder (bench-out/ by
// default), with the machine and time of the run, for comparison across runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineInfo } from './machine.js';

/**
 * The load average (1, 5, 15 min) says how busy the machine was: on a shared
 * 2-core box other work moves every figure, so it is recorded with them.
 */
export function writeResult(outDir: string, name: string, machine: MachineInfo, loadAverageAtStart: number[], figures: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.json`);
  const body = { benchmark: name, measuredAt: new Date().toISOString(), machine, loadAverageAtStart, loadAverageAtEnd: os.loadavg(), figures };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
