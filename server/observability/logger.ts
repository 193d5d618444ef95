import { destination as pinoDestination, pino, type DestinationStream, type Logger } from 'pino';

/** Header paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

/**
 * JSON lines with the field names operators' log pipelines expect (and the
 * seed checklist names): timestamp (ISO-8601), level (label), message, plus the per-request
 * fields the request hook adds (request_id, method, path, route, status, tenant).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    // Buffered, asynchronous stdout by default: a synchronous write per request
    // line would cost a syscall on the evaluation hot path. pino flushes it on
    // exit, and the app flushes it on close.
    destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096 }),
  );
}
