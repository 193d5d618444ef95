// Renders the vector tables of docs/bucketing.md from bucketing-vectors.json,
// so a test can check that the document and the JSON say the same thing.
export interface BucketVector {
  note: string;
  tenant: string;
  flagKey: string;
  salt: string | null;
  value: string;
  hash: number;
  bucket: number;
}

export interface RolloutVector {
  weights: Record<string, number>;
  bucket: number;
  variant: string;
}

const code = (text: string): string => `\`${text}\``;
const literal = (text: string): string => code(JSON.stringify(text));

export function renderVectorTable(vectors: readonly BucketVector[]): string {
  const lines = [
    '| # | tenant | flag key | salt | value (JSON) | UTF-8 bytes | hash (uint32) | hash (hex) | bucket | what it shows |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  vectors.forEach((v, i) => {
    const bytes = new TextEncoder().encode(`${v.tenant}\n${v.flagKey}\n${v.salt ?? ''}\n${v.value}`).length;
    lines.push(
      `| ${i + 1} | ${code(v.tenant)} | ${code(v.flagKey)} | ${v.salt === null ? '(none)' : code(v.salt)} | ${literal(v.value)} | ${bytes} | ${v.hash} | ${code(`0x${v.hash.toString(16).padStart(8, '0')}`)} | ${v.bucket} | ${v.note} |`,
    );
  });
  return lines.join('\n');
}

export function renderRolloutTable(rollouts: readonly RolloutVector[]): string {
  const lines = ['| weights (as written) | bucket | variant |', '|---|---|---|'];
  for (const r of rollouts) lines.push(`| ${code(JSON.stringify(r.weights))} | ${r.bucket} | ${code(r.variant)} |`);
  return lines.join('\n');
}
