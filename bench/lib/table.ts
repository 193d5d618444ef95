// Plain-text tables for the terminal: the figures are for people first, and the
// same numbers go to bench-out/*.json for machines.

export type Cell = string | number;

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map((cell) => String(cell)));
  const widths = columns.map((col, i) => Math.max(col.title.length, ...text.map((row) => (row[i] ?? '').length)));
  const pad = (value: string, i: number): string =>
    columns[i]?.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!);
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (columns[i]?.align === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...text.map(line)].join('\n');
}

/** 1234567.8 → "1,234,568". */
export function formatInteger(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function formatPercent(share: number, digits = 2): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : 'n/a';
}

export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'n/a';
}
