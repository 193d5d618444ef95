import http from 'node:http';

// A minimal server-sent-events reader over node:http, for the tests: it parses
// the stream as the WHATWG spec says (fields, blank-line dispatch, comments)
// and lets a test wait for the next event matching a predicate, with a deadline.

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event, already received or still to come, that matches. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when a comment matching `pattern` has arrived. */
  comment(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the server ended the response. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string>): Promise<SseClient> {
  // node:http rather than fetch: aborting a fetch body makes undici open a
  // spare connection that sends no request, which a closing server can only
  // drop at its headers timeout.
  const { req, res } = await new Promise<{ req: http.ClientRequest; res: http.IncomingMessage }>((resolve, reject) => {
    const r = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve({ req: r, res: response }));
    r.on('error', reject);
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  let done = false;
  let buffer = '';
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  const onLine = (line: string) => {
    if (line === '') {
      if (current.data.length > 0) {
        events.push({ ...(current.id === undefined ? {} : { id: current.id }), event: current.event ?? 'message', data: current.data.join('\n') });
      }
      current = { data: [] };
    } else if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
    } else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') current.data.push(value);
      else if (field === 'event') current.event = value;
      else if (field === 'id') current.id = value;
    }
  };
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl).replace(/\r$/, ''));
      buffer = buffer.slice(nl + 1);
    }
    wake();
  });
  const ended = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      wake();
      resolve();
    };
    res.on('end', finish);
    res.on('close', finish);
    res.on('error', finish);
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);

  const wait = <T>(what: string, find: () => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (done) {
          cleanup();
          reject(new Error(`stream ended before ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(events)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    status: res.statusCode ?? 0,
    headers: responseHeaders,
    events,
    comments,
    next: (match, timeoutMs = 15_000) => wait('an event', () => events.find(match), timeoutMs),
    comment: (pattern, timeoutMs = 15_000) => wait(`a comment ${pattern}`, () => comments.find((c) => pattern.test(c)), timeoutMs),
    ended,
    close: () => req.destroy(),
  };
}
