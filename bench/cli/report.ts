// Renders the CLI timings as a text table.
import { formatMs, formatRatio, renderTable } from '../lib/table.js';
import type { CliFigures } from './run-cli.js';

export function renderCliReport(f: CliFigures): string {
  const parts = [
    `CLI wall time — generated repository: ${f.generatedRepository.summary}`,
    renderTable(
      [
        { title: 'command' },
        { title: 'runs', align: 'right' },
        { title: 'median', align: 'right' },
        { title: 'min', align: 'right' },
        { title: 'median ÷ node -e 0', align: 'right' },
        { title: 'median ÷ ff --version', align: 'right' },
        { title: 'min ÷ node -e 0', align: 'right' },
        { title: 'min ÷ ff --version', align: 'right' },
        { title: 'exit', align: 'right' },
      ],
      f.rows.map((r) => [
        r.name,
        r.samplesMs.length,
        formatMs(r.medianMs),
        formatMs(r.minMs),
        formatRatio(r.ratioToNode),
        formatRatio(r.ratioToOclif),
        formatRatio(r.minRatioToNode),
        formatRatio(r.minRatioToOclif),
        r.exitCodes.join(','),
      ]),
    ),
  ];
  if (Number.isFinite(f.validateOverOclifMs)) {
    const met = (ours: number, oclif: number) => (ours <= oclif ? 'met' : 'NOT met');
    parts.push(
      `goal: ff validate flags adds no more to a bare oclif start than oclif adds to node -e 0.\n` +
        `  medians: validate adds ${formatMs(f.validateOverOclifMs)}, oclif adds ${formatMs(f.oclifOverNodeMs)} — ${met(f.validateOverOclifMs, f.oclifOverNodeMs)}\n` +
        `  minima:  validate adds ${formatMs(f.validateOverOclifMinMs)}, oclif adds ${formatMs(f.oclifOverNodeMinMs)} — ${met(f.validateOverOclifMinMs, f.oclifOverNodeMinMs)}`,
    );
  }
  if (Number.isFinite(f.validateVsJsYaml.median)) {
    const { median, min, goal } = f.validateVsJsYaml;
    const met = (ratio: number) => (ratio <= goal ? 'met' : 'NOT met');
    parts.push(
      `goal: ff validate on the ${f.generatedRepository.flags}-flag repository takes at most ${goal}× what js-yaml alone needs to parse its files (both whole processes).\n` +
        `  medians: ${formatRatio(median)} — ${met(median)}\n` +
        `  minima:  ${formatRatio(min)} — ${met(min)}`,
    );
  }
  if (Number.isFinite(f.installedValidateOverVersion)) {
    parts.push(
      `goal: the installed CLI's ff validate flags ≤ 1.25 × its ff --version (medians): ${formatRatio(f.installedValidateOverVersion)} — ${f.installedValidateOverVersion <= 1.25 ? 'met' : 'NOT met'}`,
    );
  }
  for (const p of f.pending) parts.push(`pending: ${p.name} — ${p.reason}`);
  for (const r of f.rows.filter((x) => x.failureOutput !== undefined)) parts.push(`note: ${r.name} exited ${r.exitCodes.join(',')}; output begins:\n${r.failureOutput}`);
  return parts.join('\n');
}
