// The machine a figure was measured on, recorded beside every result: a number
// of evaluations per second means nothing without the CPU and Node version.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  availableParallelism: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  kernel: string;
}

function cpuModelFromProc(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim();
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModelFromProc() ?? os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cpus} CPUs (nproc ${m.availableParallelism}), ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}/${m.arch} ${m.kernel}`;
}
