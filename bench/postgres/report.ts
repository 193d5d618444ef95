import { formatInteger, formatRatio, renderTable } from '../lib/table.js';
import type { StoreFigures, Timing } from './run-stores.js';

const ms = (t: Timing) => `${t.medianMs.toFixed(2)} / ${t.p99Ms.toFixed(2)}`;

/** The propagation goal: p99 of write start → the other replica's index swapped. */
export const PROPAGATION_P99_GOAL_MS = 100;

/** The goal cell: the goal, and whether each store's p99 met it in this run. */
export function propagationGoal(sqlite: Timing, postgres: Timing): string {
  const verdict = (t: Timing) => (t.p99Ms <= PROPAGATION_P99_GOAL_MS ? 'met' : 'not met');
  return `p99 ≤ ${PROPAGATION_P99_GOAL_MS} ms: SQLite ${verdict(sqlite)}, PostgreSQL ${verdict(postgres)}`;
}

/** SQLite and PostgreSQL side by side; the ratio is PostgreSQL ÷ SQLite (medians). */
export function renderStores(figures: readonly StoreFigures[], flags: number, propagationFlags: number): string {
  const [sqlite, postgres] = figures as [StoreFigures, StoreFigures];
  const row = (label: string, pick: (f: StoreFigures) => Timing, goal = '') => [label, ms(pick(sqlite)), ms(pick(postgres)), formatRatio(pick(postgres).medianMs / pick(sqlite).medianMs), goal];
  const writes = renderTable(
    [
      { title: 'server time (app.inject), ms median / p99' },
      { title: 'SQLite', align: 'right' },
      { title: 'PostgreSQL', align: 'right' },
      { title: 'PostgreSQL ÷ SQLite', align: 'right' },
      { title: 'goal' },
    ],
    [
      row(`first POST /v1/apply of ${formatInteger(flags)} flags`, (f) => f.firstApply),
      row('POST /v1/apply, a one-flag delta', (f) => f.applyDelta),
      row('PUT /v1/flags/{key}, one flag', (f) => f.put),
      row(`propagation to another replica at ${formatInteger(propagationFlags)} flags (write start → its index swapped)`, (f) => f.propagation, propagationGoal(sqlite.propagation, postgres.propagation)),
    ],
  );
  const evaluation = renderTable(
    [{ title: 'POST /v1/evaluate through inject (reads memory)' }, { title: 'SQLite', align: 'right' }, { title: 'PostgreSQL', align: 'right' }, { title: 'PostgreSQL ÷ SQLite', align: 'right' }, { title: 'goal' }],
    [['requests per second', formatInteger(Math.round(sqlite.evaluationsPerSecond)), formatInteger(Math.round(postgres.evaluationsPerSecond)), formatRatio(postgres.evaluationsPerSecond / sqlite.evaluationsPerSecond), '≈ 1.00× (independent of the store)']],
  );
  return `${writes}\n\n${evaluation}`;
}
