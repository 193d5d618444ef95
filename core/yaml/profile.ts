// The one set of options every YAML file of a flags repository is read with.
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

/**
 * YAML 1.2 core schema, always: the schema option wins over a `%YAML 1.1`
 * directive (yaml's Document.setSchema lets explicit options override the
 * version's defaults), so `no`, `on`, `y` and `yes` stay strings. No merge keys,
 * no custom or YAML 1.1 tags (!!binary, !!set, !!timestamp, !!js/...), keys are
 * read as strings (a collection as a key is an error), duplicate keys are errors.
 */
export const COMPOSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  merge: false,
  customTags: [],
  resolveKnownTags: false,
  uniqueKeys: true,
  stringKeys: true,
  strict: true,
  intAsBigInt: false,
  prettyErrors: false,
  logLevel: 'silent',
};

export function toJsOptions(maxAliasCount: number): ToJSOptions {
  return { maxAliasCount };
}
