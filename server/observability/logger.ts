import cluster from 'node:cluster';
import type { FastifyBaseLogger } from 'fastify';
import { BufferedLogDestination, PIPE_BUF } from './log-destination.js';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from 'pino';

/** Header paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

/**
 * `,"timestamp":"<ISO-8601>"`, formatted at most once per millisecond:
 * Date#toISOString costs about 0.5 µs, and at evaluation rates several log
 * lines share a millisecond.
 */
export function isoTimestamp(): () => string {
  let lastMs = -1;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"timestamp":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}

/** The process's one clock for log lines: pino's and the request line's (request-line.ts) share its cache. */
export const logTimestamp = isoTimestamp();

/**
 * stdout, buffered: one write(2) per few hundred request lines; cluster
 * workers share stdout and write at most PIPE_BUF at a time (log-destination.ts).
 */
export function defaultLogDestination(): DestinationStream {
  return new BufferedLogDestination(1, cluster.isWorker ? PIPE_BUF : undefined);
}

/**
 * JSON lines with the field names operators' log pipelines expect (and the
 * seed checklist names): timestamp (ISO-8601), level (label), message, plus the per-request
 * fields the request hook adds (request_id, method, path, route, status, tenant).
 */
export function createLogger(level: string, destination: DestinationStream = defaultLogDestination(), timestamp: () => string = logTimestamp): Logger {
  return pino(
    {
      level,
      timestamp,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * A request's logger (request.log) that becomes a pino child only when
 * something logs through it. Fastify makes one per request; a pino child
 * serializes its bindings up front (about 1 µs), and on the evaluation path
 * nothing logs through it — the request line is written by the request hook
 * with the root logger — so most requests never pay for it.
 */
class LazyRequestLogger {
  private real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  private get logger(): Logger {
    return (this.real ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.real ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  silent(): void {}

  declare fatal: Logger['fatal'];
  declare error: Logger['error'];
  declare warn: Logger['warn'];
  declare info: Logger['info'];
  declare debug: Logger['debug'];
  declare trace: Logger['trace'];
}

for (const level of LEVELS) {
  Object.defineProperty(LazyRequestLogger.prototype, level, {
    value: function (this: LazyRequestLogger, ...args: unknown[]): void {
      if (!this.isLevelEnabled(level)) return;
      const real = (this as unknown as { logger: Logger }).logger;
      (real[level] as (...a: unknown[]) => void)(...args);
    },
  });
}

/**
 * Fastify's childLoggerFactory: lazy request loggers, except when a route
 * sets its own level or serializers (then a real child at once).
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyRequestLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
