import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '../../../core/validation/index.js';

type Json = Record<string, unknown>;

const readSchema = (name: string): Json => JSON.parse(readFileSync(path.join(schemasDir(), name), 'utf8')) as Json;

/**
 * schemas/apply-request.schema.json as a route body schema. Its documents
 * ($ref flag/segment/environment.schema.json) resolve against the schemas the
 * server's body validator already holds; its one reference to the plan
 * schema (the commit) is inlined here, so the plan schema is still the single
 * definition of a commit.
 */
export function applyRequestBodySchema(): Json {
  const { $schema: _draft, ...request } = readSchema('apply-request.schema.json');
  const commit = (readSchema('plan.schema.json').$defs as Record<string, Json>).commit;
  if (commit === undefined) throw new Error('plan.schema.json has no $defs/commit');
  return inlineRef(request, 'plan.schema.json#/$defs/commit', commit) as Json;
}

function inlineRef(value: unknown, ref: string, target: Json): unknown {
  if (Array.isArray(value)) return value.map((v) => inlineRef(v, ref, target));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Json;
  if (obj.$ref === ref) return target;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, inlineRef(v, ref, target)]));
}
