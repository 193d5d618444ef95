// The JSON Schemas of schemas/ and the one Ajv instance that compiles them.
// Both are built on first use and cached for the life of the process: a
// validation run compiles each schema once, however many files it checks.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMA_KINDS = ['flag', 'segment', 'environment', 'flags-file', 'tenant', 'tenant-state'] as const;
/** A file kind of a flags repository (or the whole state of a tenant). */
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

/** The file name a schema is registered under; `$ref`s between schemas use it. */
export function schemaFileName(kind: SchemaKind): string {
  return `${kind}.schema.json`;
}

let schemasDirectory: string | undefined;

// Works from the sources (core/validation/) and from the build (dist/core/validation/).
function findSchemasDirectory(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'schemas');
    if (existsSync(path.join(candidate, 'flag.schema.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('schemas/ not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Absolute path of the schemas/ folder. */
export function schemasDir(): string {
  schemasDirectory ??= findSchemasDirectory();
  return schemasDirectory;
}

const parsed = new Map<SchemaKind, Record<string, unknown>>();

/** The parsed JSON Schema of `kind`, as in schemas/ (shared: do not mutate). */
export function getSchema(kind: SchemaKind): Record<string, unknown> {
  let schema = parsed.get(kind);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(path.join(schemasDir(), schemaFileName(kind)), 'utf8')) as Record<string, unknown>;
    parsed.set(kind, schema);
  }
  return schema;
}

let ajv: Ajv2020 | undefined;
const validators = new Map<SchemaKind, ValidateFunction>();

function getAjv(): Ajv2020 {
  if (ajv === undefined) {
    // No coercion, no defaults inserted: validation never changes the data.
    // verbose: errors carry the failing data and schema, for precise messages.
    const instance = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    for (const kind of SCHEMA_KINDS) instance.addSchema(getSchema(kind), schemaFileName(kind));
    ajv = instance;
  }
  return ajv;
}

/** The compiled validator of `kind` (compiled on first use). */
export function getValidator(kind: SchemaKind): ValidateFunction {
  let validate = validators.get(kind);
  if (validate === undefined) {
    validate = getAjv().getSchema(schemaFileName(kind));
    if (validate === undefined) throw new Error(`schema ${kind} is not registered`);
    validators.set(kind, validate);
  }
  return validate;
}
