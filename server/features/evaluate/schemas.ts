// Request and response schemas of the evaluation routes. Response schemas let
// fast-json-stringify serialize the hot path.

export const wireEvaluation = {
  type: 'object',
  required: ['flag_key', 'value', 'variant', 'reason', 'details', 'revision'],
  properties: {
    flag_key: { type: 'string' },
    value: { description: 'The variant value (any JSON).' },
    variant: { type: ['string', 'null'] },
    reason: { type: 'string', enum: ['STATIC', 'DEFAULT', 'TARGETING_MATCH', 'SPLIT', 'DISABLED', 'ERROR', 'PREREQUISITE_FAILED'] },
    rule_id: { type: 'string' },
    error_code: { type: 'string' },
    error_message: { type: 'string' },
    details: { type: 'object', properties: { bucket: { type: 'number' } } },
    revision: { type: 'integer' },
  },
} as const;

const environment = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'Required with a JWT; with an API key, its environment (naming another is 403).',
};
const context = { description: 'The evaluation context: {targetingKey, ...attributes}. Not an object → INVALID_CONTEXT.' };
const flagKey = { type: 'string', minLength: 1, maxLength: 100 };

export const evaluateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['flag_key'],
  properties: { flag_key: flagKey, context, environment },
} as const;

export const bulkBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    context,
    environment,
    flag_keys: { type: 'array', maxItems: 1000, items: flagKey, description: 'Absent: every flag of the environment.' },
  },
} as const;

export const bulkResponse = {
  type: 'object',
  required: ['environment', 'revision', 'results'],
  properties: {
    environment: { type: 'string' },
    revision: { type: 'integer' },
    results: { type: 'array', items: wireEvaluation },
  },
} as const;

export const previewResponse = {
  type: 'object',
  required: ['result', 'trace'],
  properties: {
    result: wireEvaluation,
    trace: { type: 'object', additionalProperties: true, description: 'Every rule and condition tried (ExplainTrace).' },
  },
} as const;

export const configQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { environment },
} as const;
