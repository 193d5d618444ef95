import { formatRatio, renderTable } from '../lib/table.js';
import type { TenantFigures, Timing } from './run-writes.js';

const ms = (t: Timing) => `${t.medianMs.toFixed(2)} / ${t.p99Ms.toFixed(2)}`;

/** Small vs large tenant side by side; the ratio column is large ÷ small (medians). */
export function renderWrites(figures: readonly TenantFigures[]): string {
  const [small, large] = figures as [TenantFigures, TenantFigures];
  const row = (label: string, pick: (f: TenantFigures) => Timing, goal: string) => [
    label,
    ms(pick(small)),
    ms(pick(large)),
    formatRatio(pick(large).medianMs / pick(small).medianMs),
    goal,
  ];
  const writes = renderTable(
    [
      { title: 'server time (app.inject: hooks, auth, validation, SQLite), ms median / p99' },
      { title: `${small.flags} flags`, align: 'right' },
      { title: `${large.flags} flags`, align: 'right' },
      { title: 'large ÷ small', align: 'right' },
      { title: 'goal' },
    ],
    [
      row('PUT /v1/flags/{key}, one flag changed', (f) => f.put, '≤ 2×'),
      row('POST /v1/apply, whole state in the body, one flag changed', (f) => f.applyWhole, '≤ 60 ms, ≤ 3×'),
      row('POST /v1/apply as ff apply sends it: a delta of one flag', (f) => f.applyDelta, ''),
      row('POST /v1/state/manifest, bucket digests (ff plan/apply\'s probe)', (f) => f.manifest, ''),
      row('ff apply\'s whole round: the probe, then the delta', (f) => f.applyRound, '≤ 60 ms, ≤ 3×'),
      row('GET /v1/state/manifest, every hash (an older CLI\'s probe)', (f) => f.wholeManifest, ''),
      row('first POST /v1/apply (every flag a create)', (f) => f.firstApply, ''),
    ],
  );
  const first = renderTable(
    [{ title: `first apply of ${large.flags} flags` }, { title: 'median ms', align: 'right' }, { title: 'ratio', align: 'right' }, { title: 'goal' }],
    [
      ['better-sqlite3 alone: the same document, audit and revision rows, one transaction', large.rawInsert.medianMs.toFixed(1), '1.00×', ''],
      ['POST /v1/apply (parse, validate, plan, hash, write, audit, index)', large.firstApply.medianMs.toFixed(1), formatRatio(large.firstApply.medianMs / large.rawInsert.medianMs), '≤ 1.5×'],
    ],
  );
  return `${writes}\n\n${first}`;
}
