/**
 * The one log line every request writes, built as one string instead of
 * through pino: pino serializes an object key by key (type switch, string
 * escaping, redaction check per field), which made the line the largest
 * single cost of an evaluation after the socket write. The line is exactly
 * what `logger.info({...}, 'request completed')` writes with createLogger's
 * options — same keys, same order, same escaping — and a test holds it to
 * pino's own output; every other line still goes through pino.
 */
export type RequestLineLevel = 'info' | 'error';

const OPEN: Readonly<Record<RequestLineLevel, string>> = { info: '{"level":"info"', error: '{"level":"error"' };
const CLOSE = ',"message":"request completed"}\n';

/** Route templates and methods are few: their JSON text is made once each. */
const quoted = new Map<string, string>();
function quotedConstant(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quoted.size < 1024) quoted.set(s, q);
  }
  return q;
}

/** `timestamp` is the `,"timestamp":"…"` fragment pino's timestamp option returns (logger.ts). */
export function requestLine(
  level: RequestLineLevel,
  timestamp: string,
  requestId: string,
  method: string,
  path: string,
  route: string,
  status: number,
  tenant: string | undefined,
  durationMs: number,
): string {
  return (
    OPEN[level] +
    timestamp +
    ',"request_id":' +
    JSON.stringify(requestId) +
    ',"method":' +
    quotedConstant(method) +
    ',"path":' +
    JSON.stringify(path) +
    ',"route":' +
    quotedConstant(route) +
    ',"status":' +
    String(status) +
    // Absent, not null, like pino (and JSON.stringify) for an undefined field.
    (tenant === undefined ? '' : ',"tenant":' + JSON.stringify(tenant)) +
    ',"duration_ms":' +
    (Number.isFinite(durationMs) ? String(durationMs) : 'null') +
    CLOSE
  );
}
