// Both the TypeScript model and the precompiled validators are generated from
// schemas/: these fail when someone edits a schema without regenerating them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { generate, GENERATED_PATH } from '../../scripts/gen-types.mjs';
// @ts-expect-error -- plain ESM script without type declarations
import { generate as generateValidators, VALIDATORS_PATH } from '../../scripts/gen-validators.mjs';

describe('schema-derived code', () => {
  it('core/model/schema-types.ts matches what the schemas generate (npm run gen:types)', async () => {
    const expected: string = await generate();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(expected);
  });

  it('core/validation/compiled/validators.ts matches what the schemas generate (npm run gen:validators)', () => {
    const expected: string = generateValidators();
    expect(readFileSync(VALIDATORS_PATH, 'utf8')).toBe(expected);
  });
});
