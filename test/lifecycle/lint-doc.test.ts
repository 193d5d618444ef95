// docs/lint.md and core/lint/codes.ts list the same codes with the same default
// severities, and the configuration schema accepts exactly those codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_CODES } from '../../core/lint/index.js';
import { getSchema } from '../../core/validation/index.js';

const doc = readFileSync(new URL('../../docs/lint.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `(LINT_[A-Z0-9_]+)` \| (error|warning|notice) \|/gm)].map((m) => [m[1], m[2]] as const);

describe('docs/lint.md', () => {
  it('documents every lint code once, with its default severity', () => {
    expect(Object.fromEntries(rows)).toEqual(LINT_CODES);
    expect(rows).toHaveLength(Object.keys(LINT_CODES).length);
  });

  it('matches the codes .ff-lint.yaml may name', () => {
    const schema = getSchema('lint-config') as { properties: { rules: { propertyNames: { enum: string[] } } } };
    expect([...schema.properties.rules.propertyNames.enum].sort()).toEqual(Object.keys(LINT_CODES).sort());
  });
});
