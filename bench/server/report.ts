// The server figures as a terminal table; the same numbers go to bench-out/server.json.
import { formatInteger, formatRatio, renderTable } from '../lib/table.js';
import type { ServerBenchFigures } from './run-server-bench.js';

const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

export function renderServerReport(f: ServerBenchFigures): string {
  const s = f.setup;
  const head =
    `Server: ${s.connections} connections, ${s.rounds} round(s) × ${s.durationS} s per target ` +
    `(after ${s.warmupS} s warm-up each), ${s.users} contexts, flag ${s.tenant}/${s.environment}/${s.flag}, log level ${s.logLevel}; medians over rounds`;
  const targets = renderTable(
    [
      { title: 'target' },
      { title: 'req/s', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'server CPU/req', align: 'right' },
      { title: 'req/s per round', align: 'right' },
    ],
    (['bare', 'evaluate', 'ofrep'] as const).map((id) => {
      const t = f.targets[id];
      return [
        t.description,
        formatInteger(t.medianRequestsPerSecond),
        ms(t.medianP50Ms),
        ms(t.medianP99Ms),
        `${t.medianServerCpuUsPerRequest.toFixed(0)} µs`,
        t.rounds.map((r) => formatInteger(r.requestsPerSecond)).join(' / '),
      ];
    }),
  );
  const verdict = (ok: boolean) => (ok ? 'meets goal' : 'misses goal');
  const ratios = renderTable(
    [
      { title: 'vs bare (same-round median)' },
      { title: 'throughput', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'throughput at equal CPU', align: 'right' },
      { title: `goal ≥ ${f.goal.minThroughputRatio}× req/s, ≤ ${f.goal.maxP99Ratio}× p99` },
    ],
    (['evaluate', 'ofrep'] as const).map((id) => {
      const r = f.ratios[id];
      return [
        f.targets[id].description,
        formatRatio(r.throughput),
        formatRatio(r.p50),
        formatRatio(r.p99),
        formatRatio(r.cpuThroughput),
        `${verdict(r.throughput >= f.goal.minThroughputRatio)} / ${verdict(r.p99 <= f.goal.maxP99Ratio)}`,
      ];
    }),
  );
  const rss = renderTable(
    [{ title: 'server RSS' }, { title: 'after start-up', align: 'right' }, { title: 'after the run', align: 'right' }],
    [
      ['ff (dist/server/main.js serve)', mib(f.rss.ff.idle), mib(f.rss.ff.afterRun)],
      ['bare Fastify', mib(f.rss.bare.idle), mib(f.rss.bare.afterRun)],
    ],
  );
  return [head, '', targets, '', ratios, '', rss, ...(f.profile ? ['', `CPU profile of the ff server: ${f.profile}`] : [])].join('\n');
}
