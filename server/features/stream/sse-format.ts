import type { RevisionEvent } from './revision-events.js';

/**
 * `ff`: our own event (`event: revision`, the data names tenant, environment,
 * revision and changed keys). `ofrep`: what an OpenFeature OFREP provider
 * expects from the URL the bulk evaluation advertises in `eventStreams`
 * (OFREP ADR 0008): `event: message`, data `{type: "refetchEvaluation", etag, lastModified}`.
 */
export type StreamFormat = 'ff' | 'ofrep';

/** How long a disconnected EventSource waits before reconnecting. */
export const RETRY_MS = 3000;

export function formatEvent(event: RevisionEvent, format: StreamFormat): string {
  const data =
    format === 'ff'
      ? { tenant: event.tenant, environment: event.environment, revision: event.revision, changed: event.changed }
      : {
          type: 'refetchEvaluation',
          etag: `"${event.revision}-${event.environment}"`,
          lastModified: Math.floor(Date.parse(event.ts) / 1000),
        };
  // JSON.stringify never emits a raw newline, so one data line is always enough.
  return `id: ${event.revision}\nevent: ${format === 'ff' ? 'revision' : 'message'}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `event: marks` (format `ff` only): drift marks changed with no new
 * revision. No `id:` line, so a resuming client's Last-Event-ID stays the
 * last revision it saw.
 */
export const formatMarks = (event: { tenant: string; revision: number }): string =>
  `event: marks\ndata: ${JSON.stringify({ tenant: event.tenant, revision: event.revision })}\n\n`;

/** A comment line: ignored by every SSE parser, keeps proxies from timing the connection out. */
export const formatComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;

export const formatRetry = (ms: number): string => `retry: ${ms}\n`;
