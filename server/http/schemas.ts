// JSON Schemas shared by routes: the error envelope, list envelopes, metadata.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '../../core/validation/index.js';

/** A `$defs` entry of a file in schemas/, as part of a route schema: the one definition, never a copy. */
export function schemaDef(file: string, name: string): Record<string, unknown> {
  const { $defs } = JSON.parse(readFileSync(path.join(schemasDir(), file), 'utf8')) as { $defs?: Record<string, Record<string, unknown>> };
  const def = $defs?.[name];
  if (def === undefined) throw new Error(`${file} has no $defs/${name}`);
  return def;
}

/**
 * A whole file of schemas/ as a route's body schema, without the draft
 * marker the route validator does not need, and without `tsType`: a hint to
 * the type generator (scripts/gen-types.mjs), no JSON Schema keyword, which
 * OpenAPI would show as an error.
 */
export function bodySchemaFile(file: string): Record<string, unknown> {
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(path.join(schemasDir(), file), 'utf8'), (key, value: unknown) =>
    key === 'tsType' ? undefined : value,
  ) as Record<string, unknown>;
  return schema;
}

export const errorResponse = {
  type: 'object',
  description: 'The one error body of every 4xx/5xx response.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable code (docs/api.md).' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: true,
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              path: { type: 'string', description: 'JSON pointer into the request body (or into `resource`/`key`).' },
              resource: { type: 'string' },
              key: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

/**
 * `details[0]` of a 409 STALE_PLAN (POST /v1/apply): the revisions that
 * landed since the plan's base (STALE_PLAN), or, at an unchanged revision, the
 * changes a fresh plan would make (PLAN_CHANGED). Inside the one error body,
 * whose details are open, so the document carries it as a named component.
 */
export const stalePlanDetail = {
  title: 'StalePlanDetail',
  type: 'object',
  required: ['code', 'message', 'base_revision', 'current_revision'],
  properties: {
    code: { type: 'string', enum: ['STALE_PLAN', 'PLAN_CHANGED'] },
    message: { type: 'string' },
    base_revision: { type: 'integer', description: 'The revision the plan was made against.' },
    current_revision: { type: 'integer', description: 'The tenant revision now (equal to base_revision for PLAN_CHANGED).' },
    since: {
      type: 'array',
      description: 'STALE_PLAN: what landed since the base, oldest first (at most 100).',
      items: {
        type: 'object',
        required: ['revision', 'ts', 'actor', 'source', 'commit_sha', 'changed'],
        properties: {
          revision: { type: 'integer' },
          ts: { type: 'string' },
          actor: { type: 'string' },
          source: { type: 'string' },
          commit_sha: { type: ['string', 'null'] },
          changed: { type: 'array', items: { type: 'string' }, description: '`<kind>:<key>` of every resource the revision changed.' },
        },
      },
    },
    since_truncated: { type: 'boolean', description: 'STALE_PLAN: more revisions landed than `since` lists.' },
    expected_plan_hash: { type: 'string', description: 'PLAN_CHANGED: the reviewed plan.' },
    plan_hash: { type: 'string', description: 'PLAN_CHANGED: the plan this state makes now.' },
    changes: { type: 'array', items: { type: 'string' }, description: 'PLAN_CHANGED: `<action> <kind>:<key>` of every change it would make.' },
  },
};

export const documentMeta = {
  type: 'object',
  required: [
    'version',
    'revision',
    'archived',
    'archived_at',
    'archived_by',
    'managed_by',
    'git_commit',
    'drift',
    'created_at',
    'created_by',
    'updated_at',
    'updated_by',
  ],
  properties: {
    version: { type: 'integer', description: 'Number of changes to this resource.' },
    revision: { type: 'integer', description: 'Tenant revision of the last change; the ETag.' },
    archived: { type: 'boolean' },
    archived_at: { type: ['string', 'null'] },
    archived_by: { type: ['string', 'null'] },
    managed_by: { type: 'string', enum: ['api', 'git'] },
    git_commit: { type: ['string', 'null'] },
    drift: {
      description: 'Changed outside Git since Git (or seed) last wrote it: who, how, when (null: not drifted). As in GET /v1/state.',
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['source', 'actor', 'at'], properties: { source: { type: 'string' }, actor: { type: 'string' }, at: { type: 'string' } } },
      ],
    },
    created_at: { type: 'string' },
    created_by: { type: 'string' },
    updated_at: { type: 'string' },
    updated_by: { type: 'string' },
  },
} as const;

export const listQuery = (maxPageSize: number, defaultPageSize: number, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: maxPageSize, default: defaultPageSize },
    cursor: { type: 'string', minLength: 1, maxLength: 1000, description: 'next_cursor of the previous page' },
    ...extra,
  },
});

export const stateFilter = {
  state: { type: 'string', enum: ['active', 'archived', 'all'], default: 'active' },
  q: { type: 'string', maxLength: 200, description: 'Case-insensitive substring of the key or description.' },
};

export const listEnvelope = (item: unknown) => ({
  type: 'object',
  required: ['items', 'next_cursor'],
  properties: {
    items: { type: 'array', items: item },
    next_cursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
  },
});

export const tenantHeaders = {
  type: 'object',
  properties: { 'x-tenant-id': { type: 'string', description: 'The tenant acted on (required).' } },
};

export const errorResponses = {
  '4xx': errorResponse,
  '5xx': errorResponse,
} as const;
