import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/principal.js';
import { badRequest } from '../errors.js';
import type { WriteContext } from '../features/state/write-context.js';

export const MAX_REASON_LENGTH = 500;
// C0 controls other than tab, DEL and C1 controls: a reason is one readable line or a few.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * X-Change-Reason: why a REST write is made, recorded on its audit rows.
 * Percent-encoded UTF-8 (header values are Latin-1 on the wire, and a
 * browser's fetch refuses anything else), at most 500 characters decoded.
 */
export function changeReasonOf(request: FastifyRequest): string | null {
  const raw = request.headers['x-change-reason'];
  if (raw === undefined) return null;
  let reason: string;
  try {
    reason = decodeURIComponent(Array.isArray(raw) ? raw.join(', ') : raw).trim();
  } catch {
    throw badRequest('BAD_REQUEST', 'X-Change-Reason must be percent-encoded UTF-8');
  }
  if (reason.length > MAX_REASON_LENGTH || CONTROL.test(reason)) {
    throw badRequest('BAD_REQUEST', `X-Change-Reason must be at most ${MAX_REASON_LENGTH} characters without control characters`);
  }
  return reason === '' ? null : reason;
}

/** The tenant the auth hook resolved; routes that call this are tenant-scoped by config. */
export function tenantOf(request: FastifyRequest): string {
  if (request.tenant === null) throw new Error(`route ${request.routeOptions.url ?? ''} has no tenant: check its config.auth`);
  return request.tenant;
}

export function writeContextOf(request: FastifyRequest, now = new Date()): WriteContext {
  if (request.principal === null) throw new Error('write without a principal: check the route config.auth');
  return { actor: actorOf(request.principal), source: 'api', requestId: request.id, commit: null, now: now.toISOString(), reason: changeReasonOf(request) };
}

export const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
};
