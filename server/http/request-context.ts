import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/principal.js';
import type { WriteContext } from '../features/state/write-context.js';

/** The tenant the auth hook resolved; routes that call this are tenant-scoped by config. */
export function tenantOf(request: FastifyRequest): string {
  if (request.tenant === null) throw new Error(`route ${request.routeOptions.url ?? ''} has no tenant: check its config.auth`);
  return request.tenant;
}

export function writeContextOf(request: FastifyRequest, now = new Date()): WriteContext {
  if (request.principal === null) throw new Error('write without a principal: check the route config.auth');
  return { actor: actorOf(request.principal), source: 'api', requestId: request.id, commit: null, now: now.toISOString() };
}

export const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
};
