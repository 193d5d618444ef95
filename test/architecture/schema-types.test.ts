// The TypeScript model and the precompiled validators are generated from
// schemas/, the wire types from the routes' schemas (the server's
// /openapi.json): these fail when someone edits a schema without regenerating.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { generate, generateOpenapiTypes, GENERATED_PATH, OPENAPI_TYPES_PATH } from '../../scripts/gen-types.mjs';
// @ts-expect-error -- plain ESM script without type declarations
import { generate as generateValidators, VALIDATORS_PATH } from '../../scripts/gen-validators.mjs';

describe('schema-derived code', () => {
  it('core/model/schema-types.ts matches what the schemas generate (npm run gen:types)', async () => {
    const expected: string = await generate();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(expected);
  });

  it('core/model/openapi-types.ts matches what the routes\' schemas generate (npm run gen:types)', async () => {
    const expected: string = await generateOpenapiTypes();
    expect(readFileSync(OPENAPI_TYPES_PATH, 'utf8')).toBe(expected);
  });

  it('core/validation/compiled/validators.ts matches what the schemas generate (npm run gen:validators)', () => {
    const expected: string = generateValidators();
    expect(readFileSync(VALIDATORS_PATH, 'utf8')).toBe(expected);
  });
});
