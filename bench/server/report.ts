// The server figures as terminal tables; the same numbers go to bench-out/server.json.
import { formatInteger, formatRatio, renderTable } from '../lib/table.js';
import type { RatioId, ServerBenchFigures, TargetId } from './run-server-bench.js';

const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

const TARGET_ORDER: TargetId[] = ['bare', 'evaluate', 'evaluate-no-usage', 'evaluate-experiment', 'ofrep', 'bulk', 'bare-cluster', 'evaluate-cluster'];
const RATIO_ORDER: RatioId[] = ['evaluate', 'ofrep', 'bulk', 'evaluate-cluster'];

export function renderServerReport(f: ServerBenchFigures): string {
  const s = f.setup;
  const head =
    `Server: ${s.connections} connections, ${s.rounds} round(s) × ${s.durationS} s per target ` +
    `(after ${s.warmupS} s warm-up each), ${s.users} contexts, flag ${s.tenant}/${s.environment}/${s.flag}, log level ${s.logLevel}; medians over rounds. ` +
    'The load generator (autocannon) runs on the same machine, so it competes with the server for the cores' +
    (s.workers > 0 ? `: with ${s.workers} workers on a 2-core machine the cluster figures are bounded by that, for ours and the bare cluster alike.` : '.');
  const targets = renderTable(
    [
      { title: 'target' },
      { title: 'req/s', align: 'right' },
      { title: 'flags/s', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'server CPU/req', align: 'right' },
      { title: 'req/s per round', align: 'right' },
    ],
    TARGET_ORDER.flatMap((id) => {
      const t = f.targets[id];
      if (!t) return [];
      return [
        [
          t.description,
          formatInteger(t.medianRequestsPerSecond),
          t.flagsPerRequest === 1 ? '' : `${formatInteger(t.medianFlagsPerSecond)} (${t.flagsPerRequest} per request)`,
          ms(t.medianP50Ms),
          ms(t.medianP99Ms),
          `${t.medianServerCpuUsPerRequest.toFixed(0)} µs`,
          t.rounds.map((r) => formatInteger(r.requestsPerSecond)).join(' / '),
        ],
      ];
    }),
  );
  const verdict = (ok: boolean) => (ok ? 'meets goal' : 'misses goal');
  const ratios = renderTable(
    [
      { title: 'vs its baseline (same-round median)' },
      { title: 'baseline' },
      { title: 'throughput', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'throughput at equal CPU', align: 'right' },
      { title: `goal ≥ ${f.goal.minThroughputRatio}× req/s, ≤ ${f.goal.maxP99Ratio}× p99` },
    ],
    RATIO_ORDER.flatMap((id) => {
      const r = f.ratios[id];
      const t = f.targets[id];
      if (!r || !t) return [];
      // Bulk evaluates every flag per request: its ratio to a one-answer route says what a bulk request costs, not a goal.
      const goal = id === 'bulk' ? 'no goal (many flags per request)' : `${verdict(r.throughput >= f.goal.minThroughputRatio)} / ${verdict(r.p99 <= f.goal.maxP99Ratio)}`;
      return [[t.description, r.baseline, formatRatio(r.throughput), formatRatio(r.p50), formatRatio(r.p99), formatRatio(r.cpuThroughput), goal]];
    }),
  );
  const u = f.usage;
  const usage = renderTable(
    [
      { title: 'usage counting (same-round median)' },
      { title: 'throughput', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'throughput at equal CPU', align: 'right' },
    ],
    [['POST /v1/evaluate with usage ÷ without (FF_USAGE=0); ≈ 1.00 within noise', formatRatio(u.throughput), formatRatio(u.p50), formatRatio(u.p99), formatRatio(u.cpuThroughput)]],
  );
  const x = f.experiment;
  const experiment = renderTable(
    [
      { title: 'exposure recording (same-round median)' },
      { title: 'throughput', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'throughput at equal CPU', align: 'right' },
    ],
    [['POST /v1/evaluate with an experiment on the flag ÷ without; ≈ 1.00 within noise', formatRatio(x.throughput), formatRatio(x.p50), formatRatio(x.p99), formatRatio(x.cpuThroughput)]],
  );
  const rssRows: string[][] = [
    ['ff (dist/server/main.js serve)', mib(f.rss.ff.idle), mib(f.rss.ff.afterRun)],
    ['bare Fastify', mib(f.rss.bare.idle), mib(f.rss.bare.afterRun)],
  ];
  if (f.rss.ffCluster) rssRows.push([`ff serve --workers ${s.workers} (primary + workers)`, mib(f.rss.ffCluster.idle), mib(f.rss.ffCluster.afterRun)]);
  if (f.rss.bareCluster) rssRows.push([`bare Fastify cluster (primary + ${s.workers} workers)`, mib(f.rss.bareCluster.idle), mib(f.rss.bareCluster.afterRun)]);
  const rss = renderTable([{ title: 'server RSS' }, { title: 'after start-up', align: 'right' }, { title: 'after the run', align: 'right' }], rssRows);
  return [head, '', targets, '', ratios, '', usage, '', experiment, '', rss, ...(f.profile ? ['', `CPU profile of the ff server: ${f.profile}`] : [])].join('\n');
}
