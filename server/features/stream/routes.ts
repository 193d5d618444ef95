import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { evaluationRoute } from '../../auth/route-auth.js';
import { ApiError, forbidden } from '../../errors.js';
import { tenantOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RevisionStore } from '../state/revision-store.js';
import { ChangeFeed, type StreamFilter } from './change-feed.js';
import type { RevisionEvent } from './revision-events.js';
import { SseConnection } from './sse-connection.js';
import { formatComment, formatEvent, formatMarks, formatRetry, RETRY_MS, type StreamFormat } from './sse-format.js';
import { StreamHub } from './stream-hub.js';

interface StreamQuery {
  environment?: string;
  format: StreamFormat;
  since?: number;
  follow: boolean;
}

const streamQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    environment: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
      description: 'JWT: one environment (absent: all of the tenant). API key: its own environment (another is 403).',
    },
    format: { type: 'string', enum: ['ff', 'ofrep'], default: 'ff', description: '`ofrep`: OFREP refetchEvaluation messages.' },
    since: { type: 'integer', minimum: 0, description: 'Replay revisions after this one first (as the Last-Event-ID header does).' },
    follow: { type: 'boolean', default: true, description: 'false: send the replay, then end the response.' },
  },
} as const;

const LAST_EVENT_ID = /^\d{1,15}$/;

export interface StreamRouteDeps {
  index: EvaluationIndex;
  revisions: RevisionStore;
  metrics: Metrics;
  heartbeatMs: number;
  log: FastifyBaseLogger;
}

/** What the credentials allow: an API key its own environment, a JWT the tenant or one named environment. */
function filterOf(request: FastifyRequest, named: string | undefined): StreamFilter {
  const principal = request.principal;
  if (principal?.kind === 'api_key') {
    if (named !== undefined && named !== principal.environment) throw forbidden('the API key is bound to another environment');
    return { tenant: principal.tenant, environment: principal.environment };
  }
  return { tenant: tenantOf(request), environment: named ?? null };
}

function resumeFrom(request: FastifyRequest, since: number | undefined): number | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && LAST_EVENT_ID.test(header)) return Number(header);
  return since;
}

/**
 * GET /v1/stream: server-sent events, one per new revision of the caller's
 * tenant and environment, from this process's index swaps (so a write through
 * any process reaches subscribers of every process). Comment heartbeats keep
 * idle connections alive; `Last-Event-ID` (or `?since=`) replays what a
 * reconnecting client missed; shutdown ends every stream.
 */
export function registerStreamRoutes(app: FastifyInstance, deps: StreamRouteDeps): ChangeFeed {
  const { index, log } = deps;
  const feed = new ChangeFeed({
    index,
    revisions: deps.revisions,
    onError: (err, tenant) => log.error({ err, tenant }, 'change stream: turning a new revision into events failed'),
  });
  const hub = new StreamHub(deps.heartbeatMs);
  new Gauge({
    name: 'ff_stream_connections',
    help: 'Open GET /v1/stream connections',
    registers: [deps.metrics.registry],
    collect() {
      this.set(hub.size);
    },
  });
  // Equal to the connections unless a listener leaked: the disconnect tests compare both.
  new Gauge({
    name: 'ff_stream_subscribers',
    help: 'Change-feed subscribers (one per open stream)',
    registers: [deps.metrics.registry],
    collect() {
      this.set(feed.size);
    },
  });
  feed.start();
  app.addHook('preClose', async () => {
    hub.closeAll();
    feed.stop();
  });

  app.get<{ Querystring: StreamQuery }>('/v1/stream', {
    config: { auth: evaluationRoute },
    schema: {
      tags: ['evaluation'],
      summary: 'Server-sent events: one `revision` event per new revision of the tenant and environment; `marks` when an apply only cleared drift',
      produces: ['text/event-stream'],
      querystring: streamQuery,
      response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses },
    },
    async handler(request, reply) {
      const filter = filterOf(request, request.query.environment);
      if (!index.ready) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'the evaluation index is still loading');
      if (filter.environment !== null && index.snapshot(filter.tenant, filter.environment) === undefined) {
        throw new ApiError(404, 'NOT_FOUND', 'environment not found');
      }
      const { format, follow } = request.query;
      // Subscribe, then read the replay: a swap during the read is held back
      // and sent after it, only for revisions past what the replay and the
      // greeting cover. The replay is read before anything is sent, so a
      // failure is still an error response.
      const since = resumeFrom(request, request.query.since);
      const revision = index.revision(filter.tenant) ?? 0;
      const held: RevisionEvent[] = [];
      let send: ((event: RevisionEvent) => void) | undefined = undefined;
      let connected: SseConnection | undefined = undefined;
      const unsubscribe = follow
        ? feed.subscribe({
            ...filter,
            deliver: (event) => (event.revision <= revision ? undefined : send ? send(event) : held.push(event)),
            // OFREP providers re-fetch evaluations, which marks do not change; before the greeting there is nothing to update.
            marks: (event) => (format === 'ff' ? connected?.write(formatMarks(event)) : undefined),
          })
        : () => undefined;
      let replayed: RevisionEvent[];
      try {
        replayed = since === undefined ? [] : await feed.replay(filter, since);
      } catch (err) {
        unsubscribe();
        throw err;
      }
      const connection = new SseConnection();
      void reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        // A stream's connection is never reused: when it ends (the client leaves,
        // the server shuts down) the socket closes too, instead of idling as
        // keep-alive and holding a shutdown for the keep-alive timeout.
        .header('connection', 'close')
        .send(connection.body);
      connection.write(formatRetry(RETRY_MS) + formatComment(`connected; revision ${revision}`));
      for (const event of replayed) connection.write(formatEvent(event, format));
      if (!follow) {
        connection.end();
        return reply;
      }
      send = (event) => connection.write(formatEvent(event, format));
      for (const event of held) send(event);
      connected = connection;
      connection.onClose(unsubscribe);
      hub.add(connection);
      return reply;
    },
  });
  return feed;
}
