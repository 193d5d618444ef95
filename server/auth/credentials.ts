import type { FastifyRequest } from 'fastify';
import { looksLikeApiKey } from './api-key-format.js';

export type Credential = { type: 'jwt'; token: string } | { type: 'api_key'; key: string };

/**
 * Reads the one credential of a request: `X-API-Key: <key>`, or
 * `Authorization: Bearer <jwt or key>` (the two forms OFREP clients send).
 */
export function readCredential(request: FastifyRequest): Credential | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { type: 'api_key', key: apiKey.trim() };
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return undefined;
  const value = m[1] as string;
  return looksLikeApiKey(value) ? { type: 'api_key', key: value } : { type: 'jwt', token: value };
}
