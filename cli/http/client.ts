import { CliError } from '../errors.js';
import { messages } from '../messages.js';
import type { Connection } from './connection.js';
import { send, type Answer } from './send.js';
import { isServerErrorBody, ServerRefusal } from './server-refusal.js';

export interface RequestOptions {
  /** Sent as X-Tenant-ID. */
  tenant?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Ends the request early, for an answer no longer wanted (the timeout applies either way). */
  signal?: AbortSignal;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Why a request never got an answer: the socket error's code (ECONNREFUSED,
 * ENOTFOUND…, possibly as a cause) says most, else the innermost message.
 */
function networkReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
  let innermost: Error = error;
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== '') return code;
    innermost = cause;
    cause = cause.cause;
  }
  return innermost.message.split('\n', 1)[0];
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * When the server refuses a JWT, its `exp` claim (read, not verified: the
 * server did that) tells whether it simply expired — the one cause the user
 * can fix without asking anyone. The ISO time when it is past, else undefined.
 */
export function expiryIfPast(token: string, now: number = Date.now()): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp * 1000 <= now ? new Date(exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CLI's only way to the server: JSON over HTTP (send.ts) with a
 * timeout. Every failure becomes one CliError line (unreachable, 401, 403,
 * an unknown tenant, 5xx, or a ServerRefusal for other 4xx), never a stack trace.
 */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  get server(): string {
    return this.connection.server;
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const { server, token, timeoutMs } = this.connection;
    if (token === undefined) throw new CliError('UNAUTHENTICATED', messages.noToken);
    const url = new URL(server + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (options.tenant !== undefined) headers['x-tenant-id'] = options.tenant;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Answer;
    try {
      response = await send({
        method,
        url,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        timeoutMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      // No answer, or the connection dropped or the timeout fired while it was arriving.
      const reason = networkReason(error);
      if (reason === 'timeout') throw new CliError('SERVER_UNREACHABLE', messages.serverTimeout(server, timeoutMs / 1000));
      throw new CliError('SERVER_UNREACHABLE', messages.serverUnreachable(server, reason ?? String(error)));
    }
    const body = parseBody(response.text);
    const request = `${method} ${path}`;
    if (response.status >= 200 && response.status < 300) {
      if (body === undefined && response.status !== 204) {
        throw new CliError('SERVER_ERROR', messages.notOurApi(server, response.status, response.header('content-type') ?? null));
      }
      return body as T;
    }
    const requestId = response.header('x-request-id') ?? undefined;
    const code = isServerErrorBody(body) ? body.error.code : undefined;
    if (response.status === 401) {
      const expiredAt = expiryIfPast(token);
      throw new CliError('UNAUTHENTICATED', expiredAt === undefined ? messages.tokenRefused(server) : messages.tokenExpired(server, expiredAt));
    }
    if (response.status === 403) {
      throw new CliError('FORBIDDEN', messages.forbidden(request, isServerErrorBody(body) ? body.error.message : undefined));
    }
    if (code === 'UNKNOWN_TENANT' && options.tenant !== undefined) {
      throw new CliError('UNKNOWN_TENANT', messages.serverUnknownTenant(server, options.tenant));
    }
    if (response.status >= 500) throw new CliError('SERVER_ERROR', messages.serverFailed(server, request, response.status, code, requestId));
    if (!isServerErrorBody(body)) {
      throw new CliError('SERVER_ERROR', messages.notOurApi(server, response.status, response.header('content-type') ?? null));
    }
    throw new ServerRefusal(request, response.status, { ...body.error, details: Array.isArray(body.error.details) ? body.error.details : [] });
  }

  get<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, options);
  }

  delete<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }
}
