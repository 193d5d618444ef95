// Renders the engine figures as text tables with one sanity line per engine.
import { formatInteger, formatPercent, formatRatio, renderTable } from '../lib/table.js';
import type { WorkloadFigures } from './run-engine.js';
import { WORKLOADS } from './workloads.js';

/** The workload's outcomes in order, then anything unexpected (an "error" outcome says the flag is mis-set). */
function sharesText(shares: Record<string, number>, outcomes: readonly string[]): string {
  const unexpected = Object.keys(shares).filter((o) => !outcomes.includes(o));
  return [...outcomes, ...unexpected].map((o) => `${o} ${formatPercent(shares[o] ?? 0)}`).join(', ');
}

export function renderEngineReport(figures: readonly WorkloadFigures[]): string {
  const parts: string[] = [];
  for (const w of figures) {
    const outcomes = WORKLOADS[w.workload].outcomes;
    parts.push(`Workload ${w.workload}: ${w.title} — ${formatInteger(w.users)} users × ${w.rounds} rounds (median of rounds)`);
    parts.push(
      renderTable(
        [
          { title: 'engine' },
          { title: 'version' },
          { title: 'evals/s (median)', align: 'right' },
          { title: 'min', align: 'right' },
          { title: 'max', align: 'right' },
          { title: 'vs fastest peer', align: 'right' },
        ],
        w.engines.map((e) =>
          e.expressible
            ? [
                e.engine,
                e.version,
                formatInteger(e.medianPerSecond),
                formatInteger(Math.min(...e.roundsPerSecond)),
                formatInteger(Math.max(...e.roundsPerSecond)),
                formatRatio(e.ratioToFastestPeer),
              ]
            : [e.engine, e.version, 'not expressible', '', '', ''],
        ),
      ),
    );
    parts.push(`sanity (share of users per outcome; expected ${sharesText(w.expectedShares, outcomes)}):`);
    for (const e of w.engines.filter((x) => x.expressible)) parts.push(`  ${e.engine.padEnd(16)} ${sharesText(e.shares, outcomes)}`);
    const goal = w.oursVsFastestPeer >= 5 ? 'goal ≥ 5× met' : 'goal ≥ 5× NOT met';
    parts.push(
      `ours vs fastest peer (${w.fastestPeer ?? 'none'}): ${formatRatio(w.oursVsFastestPeer)} (ratio of medians; ` +
        `median of same-round ratios ${formatRatio(w.oursVsFastestPeerPaired)}) — ${goal}`,
    );
    parts.push('');
  }
  return parts.join('\n');
}
