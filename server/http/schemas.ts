// JSON Schemas shared by routes: the error envelope, list envelopes, metadata.

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

export const documentMeta = {
  type: 'object',
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
