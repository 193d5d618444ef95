// The GitOps figures as text tables.
import { formatMs, formatRatio, renderTable } from '../lib/table.js';
import type { GitopsFigures } from './run-gitops.js';

export function renderGitopsReport(f: GitopsFigures): string {
  const p = f.propagation;
  const parts = [
    `GitOps — ${f.repository.flags} flags × ${f.repository.environments} environments (${f.repository.generator})`,
    renderTable(
      [
        { title: 'command' },
        { title: 'runs', align: 'right' },
        { title: 'median', align: 'right' },
        { title: 'min', align: 'right' },
        { title: '÷ ff validate', align: 'right' },
        { title: 'exit' , align: 'right' },
        { title: 'what' },
      ],
      f.rows.map((r) => [r.name, r.samplesMs.length, formatMs(r.medianMs), formatMs(r.minMs), formatRatio(r.ratioToValidate), r.exitCodes.join(','), r.what]),
    ),
    `apply → evaluation: median ${formatMs(p.medianMs)}, max ${formatMs(p.maxMs)} over ${p.samples} applies ` +
      `(evaluations needed: ${[...new Set(p.evaluationsNeeded)].sort((a, b) => a - b).join(', ')}); ` +
      `a plain evaluation round trip: ${formatMs(p.evaluateRoundTripMedianMs)}; the apply call itself (one flag changed, whole state sent): ${formatMs(p.applyRoundTripMedianMs)}.`,
  ];
  for (const r of f.rows.filter((x) => x.failureOutput !== undefined)) parts.push(`note: ${r.name} exited ${r.exitCodes.join(',')}; output begins:\n${r.failureOutput}`);
  return parts.join('\n');
}
