import type { FastifyInstance } from 'fastify';
import type { StateManifestRequest } from '../../../core/model/schema-types.js';
import { jwtRoute } from '../../auth/route-auth.js';
import { tenantOf } from '../../http/request-context.js';
import { bodySchemaFile, errorResponses } from '../../http/schemas.js';
import type { Stores } from '../../stores.js';
import { ManifestService } from './manifest.js';
import { toStateView } from './state-view.js';
import { readConsistentSnapshot } from './tenant-snapshot.js';

const drift = {
  type: 'object',
  required: ['source', 'actor', 'at'],
  properties: { source: { type: 'string' }, actor: { type: 'string' }, at: { type: 'string' } },
};

const stateResponse = {
  type: 'object',
  required: ['tenant', 'revision', 'state', 'resources'],
  properties: {
    tenant: { type: 'string' },
    revision: { type: 'integer', description: '0 for a tenant that does not exist yet.' },
    state: {
      type: 'object',
      additionalProperties: true,
      description: 'The active state (schemas/tenant-state.schema.json): what plans and exports compare against.',
    },
    resources: {
      type: 'object',
      description: 'Ownership and drift of every active resource, by `<kind>:<key>`.',
      additionalProperties: {
        type: 'object',
        required: ['managed_by', 'git_commit'],
        properties: {
          managed_by: { type: 'string', enum: ['api', 'git'] },
          git_commit: { type: ['string', 'null'] },
          drift,
        },
      },
    },
  },
};

export function registerStateRoutes(app: FastifyInstance, deps: { stores: Stores }): void {
  app.get('/v1/state', {
    // Planning reads the state it plans against: `plan` and `apply` tokens may read it too.
    config: { auth: jwtRoute('flags:read', 'plan', 'apply') },
    schema: {
      tags: ['gitops'],
      summary: 'The tenant’s current state, revision, and each resource’s ownership and drift',
      response: { 200: stateResponse, ...errorResponses },
    },
    handler: async (request) => toStateView((await readConsistentSnapshot(deps.stores, tenantOf(request))).snapshot),
  });

  const manifests = new ManifestService(deps.stores);
  app.get('/v1/state/manifest', {
    config: { auth: jwtRoute('flags:read', 'plan', 'apply') },
    schema: {
      tags: ['gitops'],
      summary: 'The tenant’s revision and the content hash of every active document (what ff plan and ff apply send deltas against)',
      response: { 200: manifestResponse, ...errorResponses },
    },
    handler: async (request, reply) => {
      // Serialized once per revision: bypass the serializer.
      void reply.type('application/json; charset=utf-8').serializer((body: string) => body).send(await manifests.manifest(tenantOf(request)));
    },
  });
  // A read with a body: the client's bucket digests. What ff plan and ff apply call.
  app.post<{ Body: StateManifestRequest }>('/v1/state/manifest', {
    config: { auth: jwtRoute('flags:read', 'plan', 'apply') },
    schema: {
      tags: ['gitops'],
      summary: 'The content hashes of the documents in the buckets whose digest differs from the client’s (O(change), where GET is O(tenant))',
      body: bodySchemaFile('state-manifest-request.schema.json'),
      response: { 200: manifestResponse, ...errorResponses },
    },
    handler: async (request, reply) => {
      void reply.type('application/json; charset=utf-8').serializer((body: string) => body).send(await manifests.differing(tenantOf(request), request.body.buckets));
    },
  });
}

const hashes = { type: 'object', additionalProperties: { type: 'string' }, description: 'Document key → content hash (sha256 of the canonical JSON).' };
const manifestResponse = {
  type: 'object',
  required: ['tenant', 'revision', 'environments', 'flags', 'segments'],
  properties: {
    tenant: { type: 'string' },
    revision: { type: 'integer' },
    environments: hashes,
    flags: hashes,
    segments: hashes,
    experiments: hashes,
    buckets: { type: 'array', items: { type: 'integer' }, description: 'POST only: the buckets listed, those whose digest differs from the request’s.' },
  },
};
