import type { FastifyRequest } from 'fastify';
import type { Snapshot } from '../../../core/engine/index.js';
import { ApiError, badRequest, forbidden } from '../../errors.js';
import { tenantOf } from '../../http/request-context.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';

/**
 * The snapshot a request evaluates against: the API key's environment, or —
 * with a JWT — the environment the caller names. Read once per request, so a
 * bulk evaluation sees one revision throughout. Never touches SQLite.
 */
export function resolveSnapshot(index: EvaluationIndex, request: FastifyRequest, named: string | undefined): Snapshot {
  const principal = request.principal;
  let environment: string;
  if (principal?.kind === 'api_key') {
    if (named !== undefined && named !== principal.environment) {
      throw forbidden('the API key is bound to another environment');
    }
    environment = principal.environment;
  } else {
    if (named === undefined) throw badRequest('BAD_REQUEST', 'environment is required when authenticating with a token');
    environment = named;
  }
  if (!index.ready) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'the evaluation index is still loading');
  const snapshot = index.snapshot(tenantOf(request), environment);
  if (snapshot === undefined) throw new ApiError(404, 'NOT_FOUND', 'environment not found');
  return snapshot;
}
