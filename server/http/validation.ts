import type { FastifyInstance, FastifySchema } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { getSchema, schemaFileName } from '../../core/validation/index.js';

/** The repository schemas a request body can reference, by their file name ($id). */
export const DOCUMENT_SCHEMAS = ['flag', 'segment', 'environment', 'experiment'] as const;
export const schemaRef = (kind: (typeof DOCUMENT_SCHEMAS)[number]) => ({ $ref: `${schemaFileName(kind)}#` });

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function makeAjv(coerce: boolean): Ajv2020 {
  // Bodies: no coercion, no removal, no defaults — exactly what the YAML
  // validator does, so the API accepts what `ff validate` accepts and nothing
  // else. Querystrings/params/headers arrive as strings and are coerced.
  const ajv = new Ajv2020({
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: coerce,
    allErrors: true,
    strict: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const kind of DOCUMENT_SCHEMAS) ajv.addSchema(getSchema(kind), schemaFileName(kind));
  return ajv;
}

/**
 * Installs the validator compiler (draft 2020-12, like schemas/) and registers
 * the repository schemas as shared schemas so OpenAPI and serializers see them.
 */
export function installValidation(app: FastifyInstance): void {
  const bodyAjv = makeAjv(false);
  const otherAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : otherAjv;
    return ajv.compile(schema) as ReturnType<Parameters<FastifyInstance['setValidatorCompiler']>[0]>;
  });
  for (const kind of DOCUMENT_SCHEMAS) {
    // Shared-schema copies without the draft marker, which fast-json-stringify and
    // @fastify/swagger do not need (and older drafts' tools reject).
    const { $schema: _draft, ...rest } = getSchema(kind);
    app.addSchema({ ...rest, $id: schemaFileName(kind) });
  }
}

export type { FastifySchema, FastifySchemaValidationError };
