import { createHash } from 'node:crypto';
import { ApiError, badRequest } from '../errors.js';
import type { Stores } from '../stores.js';
import { canonicalJson } from '../../core/diff/index.js';
import type { IdempotencyScope } from './idempotency-store.js';

export interface HttpOutcome {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** What to store for replay when it must differ from `body` (an API key's secret is never stored). */
  replayBody?: unknown;
}

export interface IdempotencyRequest {
  /** The Idempotency-Key header; undefined = not an idempotent request. */
  key: string | undefined;
  scope: Omit<IdempotencyScope, 'key'>;
  /** The request's body (and params): same key + different fingerprint = reuse. */
  fingerprintOf: unknown;
  now: Date;
  ttlHours: number;
}

/** What an Idempotency-Key may be (also what /openapi.json declares). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotent create (Stripe's semantics): the first successful response for a
 * key is stored in the SAME transaction as the write and replayed for the same
 * key and body; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED.
 * Failed attempts store nothing, so the client may retry them.
 */
export async function idempotent(
  stores: Stores,
  req: IdempotencyRequest,
  run: () => Promise<HttpOutcome>,
): Promise<HttpOutcome & { replayed: boolean }> {
  if (req.key === undefined) return { ...(await run()), replayed: false };
  if (!IDEMPOTENCY_KEY_PATTERN.test(req.key)) {
    throw badRequest('BAD_REQUEST', 'Idempotency-Key must be 1-255 visible ASCII characters');
  }
  const scope = { ...req.scope, key: req.key };
  const requestHash = createHash('sha256').update(canonicalJson(req.fingerprintOf)).digest('hex');
  const notBefore = new Date(req.now.getTime() - req.ttlHours * 3_600_000).toISOString();
  return stores.transaction(async () => {
    const previous = await stores.idempotency.find(scope, notBefore);
    if (previous) {
      if (previous.requestHash !== requestHash) {
        throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body');
      }
      return { status: previous.status, headers: previous.headers, body: previous.body, replayed: true };
    }
    const outcome = await run();
    await stores.idempotency.purge(notBefore);
    await stores.idempotency.save(scope, {
      requestHash,
      status: outcome.status,
      headers: outcome.headers,
      body: outcome.replayBody ?? outcome.body,
      createdAt: req.now.toISOString(),
    });
    return { ...outcome, replayed: false };
  }, req.scope.tenant);
}
