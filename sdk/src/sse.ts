// One connection to GET /v1/stream: fetch with a streaming body, parsed by
// eventsource-parser (the SSE wire format: fields, multi-line data, comments,
// retry). Resolves when the connection ends for any reason; never rejects.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { RevisionEvent } from '../../server/features/stream/revision-events.js';

/** The data of one `revision` event (format=ff), as the server's stream formats it. */
export type RevisionEventData = Pick<RevisionEvent, 'tenant' | 'environment' | 'revision' | 'changed'>;

export interface StreamHandlers {
  /** 200 and the event-stream content type: the stream is up. */
  onOpen(): void;
  onRevision(event: RevisionEventData, id: string | undefined): void;
  /** Why the connection could not open, or why it ended abnormally. */
  onFailure(error: unknown, status?: number): void;
}

export interface StreamRequest {
  url: URL;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** No bytes (events or heartbeats) for this long: the connection is presumed dead and dropped. */
  idleTimeoutMs: number;
}

/** Returns whether the stream had opened (the caller resets its backoff then). */
export async function runStream(request: StreamRequest, handlers: StreamHandlers): Promise<boolean> {
  const local = new AbortController();
  const onAbort = () => local.abort();
  request.signal.addEventListener('abort', onAbort, { once: true });
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => local.abort(new Error(`no data on the stream for ${request.idleTimeoutMs} ms`)), request.idleTimeoutMs);
    idle.unref?.();
  };
  let opened = false;
  try {
    touch();
    const response = await fetch(request.url, { headers: { ...request.headers, accept: 'text/event-stream' }, signal: local.signal });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null || !type.startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      handlers.onFailure(new Error(`the stream answered ${response.status}`), response.status);
      return false;
    }
    opened = true;
    handlers.onOpen();
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (message.event !== 'revision') return;
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return; // not ours to act on; the next config fetch is the truth anyway
        }
        if (typeof data === 'object' && data !== null && typeof (data as RevisionEventData).revision === 'number') {
          handlers.onRevision(data as RevisionEventData, message.id);
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      touch();
      parser.feed(decoder.decode(chunk, { stream: true }));
    }
    if (!request.signal.aborted) handlers.onFailure(new Error('the server ended the stream'));
  } catch (error) {
    if (!request.signal.aborted) handlers.onFailure(local.signal.aborted && local.signal.reason instanceof Error ? local.signal.reason : error);
  } finally {
    clearTimeout(idle);
    request.signal.removeEventListener('abort', onAbort);
    local.abort();
  }
  return opened;
}
