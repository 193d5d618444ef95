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

/**
 * The body of POST /v1/plan: an apply request that can only be a dry run, so
 * without its write options (dry_run, allow_delete, allow_delete_in_use, expected_plan_hash) and
 * without the rule that a real apply names its base revision and commit.
 */
export function planRequestBodySchema(): Json {
  const { if: _if, else: _else, properties, ...apply } = applyRequestBodySchema();
  const { dry_run: _dry, allow_delete: _del, allow_delete_in_use: _inUse, expected_plan_hash: _hash, ...kept } = properties as Json;
  return {
    ...apply,
    title: 'PlanRequest',
    description: 'Body of POST /v1/plan: the desired state to plan against the current one (nothing is written).',
    properties: kept,
  };
}
