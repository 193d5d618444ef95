// The TypeScript model is generated from schemas/: this fails when someone
// edits a schema without regenerating core/model/schema-types.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { generate, GENERATED_PATH } from '../../scripts/gen-types.mjs';

describe('schema-derived types', () => {
  it('core/model/schema-types.ts matches what the schemas generate', async () => {
    const expected: string = await generate();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(expected);
  });
});
