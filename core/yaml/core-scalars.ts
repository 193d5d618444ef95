// How a plain (unquoted) scalar resolves under the YAML 1.2 core schema, taken
// from the `yaml` package's own core tags so that the fast reader (js-yaml)
// cannot resolve a scalar differently from parseYaml: same regular
// expressions, same order, same conversion functions.
import { isScalar, Schema } from 'yaml';
import type { ScalarTag } from 'yaml';

interface Resolver {
  test: RegExp;
  resolve: ScalarTag['resolve'];
}

function coreResolvers(): Resolver[] {
  const resolvers: Resolver[] = [];
  for (const tag of new Schema({ schema: 'core' }).tags) {
    const scalar = tag as ScalarTag;
    // yaml's findScalarTagByTest: only default tags with a test take part.
    if (scalar.default === true && scalar.test instanceof RegExp && typeof scalar.resolve === 'function') {
      resolvers.push({ test: scalar.test, resolve: scalar.resolve });
    }
  }
  return resolvers;
}

const RESOLVERS = coreResolvers();
const OPTIONS = { intAsBigInt: false } as const;
const ignoreError = (): void => {};

/** What resolveCorePlainScalar returns for text that stays a string. */
export const STRING: unique symbol = Symbol('string');

/**
 * Every core non-string scalar starts with one of these (or is empty):
 * `~`/null, booleans, digits, signs and `.` of numbers. Most strings do not,
 * and skip the regular expressions (a test checks the set against them).
 */
const NON_STRING_FIRST = new Uint8Array(128);
for (const c of '-+.~0123456789nNtTfF') NON_STRING_FIRST[c.charCodeAt(0)] = 1;

/**
 * The non-string value a plain scalar's text resolves to (null, a boolean or a
 * number), or STRING when it stays a string.
 */
export function resolveCorePlainScalar(text: string): unknown {
  if (text !== '' && NON_STRING_FIRST[text.charCodeAt(0)] !== 1) return STRING;
  return resolveByTest(text);
}

/** yaml's own order of tests, without the first-character shortcut. */
export function resolveByTest(text: string): unknown {
  for (const r of RESOLVERS) {
    if (!r.test.test(text)) continue;
    const resolved: unknown = r.resolve(text, ignoreError, OPTIONS);
    // Some tags (floats) return a Scalar node to keep formatting hints.
    return isScalar(resolved) ? resolved.value : resolved;
  }
  return STRING;
}
