// docs/diagnostics.md and core/validation/codes.ts list the same codes with the same severities.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../core/validation/index.js';

const doc = readFileSync(new URL('../../docs/diagnostics.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]] as const);

describe('docs/diagnostics.md', () => {
  it('documents every code once, with its severity', () => {
    expect(Object.fromEntries(rows)).toEqual(DIAGNOSTIC_CODES);
    expect(rows).toHaveLength(Object.keys(DIAGNOSTIC_CODES).length);
  });
});
