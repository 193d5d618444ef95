import { renderTable, type Cell } from '../lib/table.js';
import type { IndexBuildFigures } from './index-build.js';
import type { Distribution, PropagationFigures } from './propagation.js';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const mib = (v: number | null) => (v === null ? 'n/a (run with --expose-gc)' : `${v.toFixed(1)} MiB`);

function row(label: string, d: Distribution): Cell[] {
  return [label, d.samples, ms(d.medianMs), ms(d.p99Ms), ms(d.maxMs), d.beforeResponse];
}

export function renderPropagation(title: string, f: PropagationFigures): string {
  const table = renderTable(
    [
      { title: `from the write's response to… (${f.tenantFlags} flags)` },
      { title: 'samples', align: 'right' },
      { title: 'median ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'max ms', align: 'right' },
      { title: 'already visible', align: 'right' },
    ],
    [
      row('(a) evaluation at the writing process A', f.sameProcess),
      row('(b) evaluation at process B (polling)', f.otherProcess),
      row('(c) SSE event at a subscriber of A', f.sseSameProcess),
      row('(c) SSE event at a subscriber of B', f.sseOtherProcess),
      row('for scale: the PUT round trip itself', f.write),
    ],
  );
  return `${title}\n${table}`;
}

export function renderIndexBuild(f: IndexBuildFigures, rss: { small: number; large: number }): string {
  return renderTable(
    [{ title: `index of ${f.flags} flags × ${f.environments} environments, ${f.segments} segments` }, { title: 'value', align: 'right' }],
    [
      [`build (EvaluationIndex.load), median of ${f.runs} [min–max]`, `${ms(f.buildMs.median)} ms [${ms(f.buildMs.min)}–${ms(f.buildMs.max)}]`],
      [`reload from SQLite (read + parse + build), median of ${f.runs}`, `${ms(f.reloadFromDatabaseMs.median)} ms [${ms(f.reloadFromDatabaseMs.min)}–${ms(f.reloadFromDatabaseMs.max)}]`],
      ['heap: the tenant state (documents)', mib(f.stateHeapMiB)],
      ['heap: the index on top of it (snapshots)', mib(f.indexHeapMiB)],
      ['server RSS with this tenant loaded', `${(rss.large / 1024 / 1024).toFixed(1)} MiB`],
      ['server RSS with a 20-flag tenant, for comparison', `${(rss.small / 1024 / 1024).toFixed(1)} MiB`],
    ],
  );
}
