// Where the server's CPU goes, from a V8 CPU profile (node --cpu-prof, which
// `--profile` turns on for the ff server): every sample is charged to the
// innermost frame of its stack that belongs to a known cost centre, so the
// shares add up to 100% of the busy (non-idle) time.
//
//   node dist/bench/server/profile-summary.js bench-out/server-profile/CPU.….cpuprofile
import { readFileSync } from 'node:fs';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { renderTable } from '../lib/table.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Cost centres, tried on each frame from the leaf up; the first frame that matches one takes the sample. */
const CENTRES: { name: string; matches: (f: CallFrame) => boolean }[] = [
  { name: 'idle', matches: (f) => f.functionName === '(idle)' },
  { name: 'garbage collection', matches: (f) => f.functionName === '(garbage collector)' },
  { name: 'socket writes (writev; includes waking the client)', matches: (f) => /^writev|^writeGeneric|^writeBuffer/.test(f.functionName) || f.url.includes('stream_base_commons') },
  { name: 'request log line (pino)', matches: (f) => /node_modules\/(pino|sonic-boom|fast-redact|@pinojs)\//.test(f.url) },
  { name: 'metrics (prom-client)', matches: (f) => f.url.includes('node_modules/prom-client/') },
  { name: 'security headers', matches: (f) => f.url.includes('/security-headers.') || f.url.includes('node_modules/helmet/') || f.url.includes('node_modules/@fastify/helmet/') },
  { name: 'authentication (API key hash, JWT)', matches: (f) => f.url.includes('/server/auth/') || f.url.includes('node_modules/jose/') },
  { name: 'request JSON parsing', matches: (f) => f.url.includes('node_modules/secure-json-parse/') },
  { name: 'schema validation (ajv)', matches: (f) => /^validate\d*$/.test(f.functionName) || f.url.includes('node_modules/ajv') },
  { name: 'response serialization', matches: (f) => f.url.includes('node_modules/fast-json-stringify/') || /^anonymous\d*$/.test(f.functionName) },
  { name: 'flag evaluation (core/engine)', matches: (f) => f.url.includes('/core/engine/') },
  { name: 'ff server code (routes, hooks, index)', matches: (f) => f.url.includes('/server/') && !f.url.includes('node_modules') },
  { name: 'fastify (routing, hooks, reply)', matches: (f) => /node_modules\/(fastify|find-my-way|@fastify|avvio|toad-cache)\//.test(f.url) },
  { name: 'Node http (parse, headers)', matches: (f) => f.url.startsWith('node:_http') || f.url.startsWith('node:internal/http') },
  { name: 'Node streams, events, timers', matches: (f) => /^node:(internal\/streams|events|internal\/timers|internal\/process|net|internal\/async_hooks)/.test(f.url) },
  { name: 'start-up (module loading, seeding)', matches: (f) => f.url.startsWith('node:internal/modules') || f.url.includes('node_modules/yaml/') },
];

export interface CostShare {
  centre: string;
  ms: number;
  /** Share of busy (non-idle) time. */
  share: number;
}

export function summarizeProfile(profile: CpuProfile): { busyMs: number; centres: CostShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const centreOfNode = new Map<number, string>();
  const centreOf = (id: number): string => {
    const known = centreOfNode.get(id);
    if (known !== undefined) return known;
    let found = 'other';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = (byId.get(cur) as ProfileNode).callFrame;
      const centre = CENTRES.find((c) => c.matches(frame));
      if (centre) {
        found = centre.name;
        break;
      }
    }
    centreOfNode.set(id, found);
    return found;
  };
  const us = new Map<string, number>();
  // timeDeltas[i] is the time before sample i: charge the interval that follows a sample to it.
  for (let i = 0; i < profile.samples.length; i++) {
    const centre = centreOf(profile.samples[i] as number);
    us.set(centre, (us.get(centre) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const busyUs = [...us].filter(([c]) => c !== 'idle').reduce((sum, [, v]) => sum + v, 0);
  const centres = [...us]
    .filter(([c]) => c !== 'idle')
    .map(([centre, v]) => ({ centre, ms: v / 1000, share: v / busyUs }))
    .sort((a, b) => b.ms - a.ms);
  return { busyMs: busyUs / 1000, centres };
}

export function renderProfileSummary(file: string): string {
  const { busyMs, centres } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const table = renderTable(
    [{ title: 'cost centre' }, { title: 'share of busy CPU', align: 'right' }, { title: 'ms', align: 'right' }],
    centres.map((c) => [c.centre, `${(c.share * 100).toFixed(1)}%`, c.ms.toFixed(0)]),
  );
  return `CPU profile ${file}: ${busyMs.toFixed(0)} ms busy\n${table}`;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node dist/bench/server/profile-summary.js <file.cpuprofile>...\n');
    process.exit(2);
  }
  for (const file of files) console.log(renderProfileSummary(file));
}
