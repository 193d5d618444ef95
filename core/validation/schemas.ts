// The JSON Schemas of schemas/ and their validators. The validators are
// compiled ahead of time into compiled/validators.ts (scripts/gen-validators.mjs,
// kept in sync by a test), so no process pays ajv's ~150 ms compile at start-up.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv/dist/2020.js';
import * as compiled from './compiled/validators.js';

export const SCHEMA_KINDS = ['flag', 'segment', 'environment', 'experiment', 'flags-file', 'tenant', 'tenant-state', 'lint-config', 'codeowners-config', 'refs-config'] as const;
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

// Generated with the options every validation here relies on: allErrors,
// strict, allowUnionTypes, and verbose (errors carry the failing data and
// schema, for precise messages); no coercion, no defaults inserted.
/** A standalone ajv validator: true when valid, else `errors` says why. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const VALIDATORS: Record<SchemaKind, SchemaValidator> = {
  flag: compiled.flag,
  segment: compiled.segment,
  environment: compiled.environment,
  experiment: compiled.experiment,
  'flags-file': compiled.flagsFile,
  tenant: compiled.tenant,
  'tenant-state': compiled.tenantState,
  'lint-config': compiled.lintConfig,
  'codeowners-config': compiled.codeownersConfig,
  'refs-config': compiled.refsConfig,
};

/** The precompiled validator of `kind`. */
export function getValidator(kind: SchemaKind): SchemaValidator {
  return VALIDATORS[kind];
}
