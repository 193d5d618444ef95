// GET /v1/stream read with fetch, not EventSource: EventSource cannot send
// the Authorization header, and the token never goes into a URL.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface RevisionEvent {
  tenant: string;
  environment: string;
  revision: number;
  changed?: string[];
}

export interface StreamOptions {
  url: string;
  headers: Record<string, string>;
  onRevision: (event: RevisionEvent) => void;
  /** Drift marks changed without a new revision (an apply that only cleared drift). */
  onMarks?: () => void;
  onStatus: (status: 'live' | 'reconnecting' | 'refused') => void;
  signal: AbortSignal;
  /** Wait before reconnecting (ms). */
  retryMs?: number;
}

export function parseRevision(message: EventSourceMessage): RevisionEvent | null {
  if (message.event !== 'revision') return null;
  try {
    return JSON.parse(message.data) as RevisionEvent;
  } catch {
    return null;
  }
}

/** Follows the stream until aborted, reconnecting (resuming from the last event id) after a drop. */
export async function followStream(o: StreamOptions): Promise<void> {
  let lastId: string | undefined;
  while (!o.signal.aborted) {
    try {
      const response = await fetch(o.url, { headers: { ...o.headers, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: o.signal });
      if (response.status === 401 || response.status === 403) {
        o.onStatus('refused');
        return;
      }
      if (!response.ok || response.body === null) throw new Error(`stream answered ${response.status}`);
      o.onStatus('live');
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined) lastId = message.id;
          if (message.event === 'marks') o.onMarks?.();
          const event = parseRevision(message);
          if (event !== null) o.onRevision(event);
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      if (o.signal.aborted) return;
    }
    o.onStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, o.retryMs ?? 1000));
  }
}
