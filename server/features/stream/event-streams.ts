import type { FastifyRequest } from 'fastify';

/**
 * The `eventStreams` member of an OFREP bulk evaluation response (OFREP ADR
 * 0008): where the provider subscribes to learn that it should re-fetch. The
 * URL is absolute (a browser resolves a relative one against the page, not
 * against us) and names the environment the caller evaluated, so a JWT caller
 * subscribes to the same one. It carries no credential: the stream takes the
 * same headers as evaluation.
 */
export interface EventStreamLink {
  type: 'sse';
  url: string;
  inactivityDelaySec: number;
}

/** OFREP's default; stated so every provider closes idle background connections alike. */
const INACTIVITY_DELAY_SEC = 120;

export function eventStreamsFor(request: FastifyRequest, environment: string): EventStreamLink[] {
  const url = `${request.protocol}://${request.host}/v1/stream?format=ofrep&environment=${encodeURIComponent(environment)}`;
  return [{ type: 'sse', url, inactivityDelaySec: INACTIVITY_DELAY_SEC }];
}

export const eventStreamsSchema = {
  type: 'array',
  description: 'Where to subscribe for change notifications (server-sent events; OFREP ADR 0008).',
  items: {
    type: 'object',
    required: ['type', 'url'],
    properties: {
      type: { type: 'string', enum: ['sse'] },
      url: { type: 'string', format: 'uri' },
      inactivityDelaySec: { type: 'integer', minimum: 1 },
    },
  },
} as const;
