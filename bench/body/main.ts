// `make bench`'s request-body figures: what the one JSON body reader
// (server/http/json-body.ts: UTF-8 check, depth cap, duplicate and __proto__
// keys) costs over the bare JSON.parse it wraps, on an evaluation body and on
// an apply body, measured in the same run, rounds interleaved. Figures, never
// pass/fail. Needs the compiled tree (npm run build):
//
//   node dist/bench/body/main.js [--quick] [--rounds N] [--out DIR] [--only body]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "body" skips the run.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseJsonBody } from '../../server/http/json-body.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { median } from '../lib/stats.js';
import { formatInteger, formatRatio, renderTable } from '../lib/table.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'body') process.exit(0);

const rounds = typeof values.rounds === 'string' ? Number(values.rounds) : values.quick ? 3 : 15;

const evaluateBody = Buffer.from(
  JSON.stringify({ flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'user-42', email: 'ada@acme.example', plan: 'beta', country: 'GB', age: 37 } }),
);
const flags = values.quick ? 100 : 2_000;
const applyBody = Buffer.from(
  JSON.stringify({
    state: {
      environments: [{ key: 'production' }],
      segments: [],
      flags: Array.from({ length: flags }, (_, i) => ({
        key: `flag-${i}`,
        description: `Flag number ${i} with "quotes" and a \\ backslash`,
        type: 'boolean',
        variants: { on: true, off: false },
        offVariant: 'off',
        environments: {
          production: {
            enabled: true,
            rules: [{ id: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.example' }], serve: { variant: 'on' } }],
            default: { rollout: { on: 10, off: 90 } },
          },
        },
      })),
    },
    base_revision: 7,
  }),
);

/** Nanoseconds per call of `fn` over `n` calls (after a short warm-up). */
function perCall(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.max(1, n / 10); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / n;
}

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);

const cases = [
  { name: `evaluate body (${evaluateBody.length} B)`, body: evaluateBody, calls: values.quick ? 2_000 : 100_000 },
  { name: `apply body, ${flags} flags (${formatInteger(applyBody.length / 1024)} KiB)`, body: applyBody, calls: values.quick ? 3 : 20 },
];
const figures = cases.map((c) => {
  const bare: number[] = [];
  const reader: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved, so a change in machine load hits both alike.
    bare.push(perCall(c.calls, () => JSON.parse(c.body.toString('utf8'))));
    reader.push(perCall(c.calls, () => parseJsonBody(c.body)));
  }
  const ratios = bare.map((b, i) => reader[i]! / b);
  return { case: c.name, jsonParseNs: median(bare), readerNs: median(reader), ratio: median(ratios) };
});

console.log(
  `\n${renderTable(
    [{ title: 'body' }, { title: 'JSON.parse (ns)', align: 'right' }, { title: 'body reader (ns)', align: 'right' }, { title: 'reader / JSON.parse', align: 'right' }],
    figures.map((f) => [f.case, formatInteger(f.jsonParseNs), formatInteger(f.readerNs), formatRatio(f.ratio)]),
  )}`,
);
console.log(`(median of ${rounds} interleaved rounds; the ratio is the median of per-round ratios)`);
process.stderr.write(`bench body: wrote ${writeResult(path.resolve(root, String(values.out)), 'body', machine, loadAtStart, figures)}\n`);
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
