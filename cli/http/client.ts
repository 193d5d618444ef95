import { CliError } from '../errors.js';
import { messages } from '../messages.js';
import type { Connection } from './connection.js';
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
 * Why a request never got an answer. Node's fetch throws TypeError("fetch
 * failed") with the socket error as its cause (ECONNREFUSED, ENOTFOUND...);
 * the code says most, else the innermost message ("bad port").
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

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
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
 * The CLI's only way to the server: JSON over HTTP with global fetch and a
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

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: options.signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      const reason = networkReason(error);
      if (reason === 'timeout') throw new CliError('SERVER_UNREACHABLE', messages.serverTimeout(server, timeoutMs / 1000));
      throw new CliError('SERVER_UNREACHABLE', messages.serverUnreachable(server, reason ?? String(error)));
    }
    let body: unknown;
    try {
      body = await readBody(response);
    } catch (error) {
      // The connection dropped or the timeout fired while the body was arriving.
      const reason = networkReason(error);
      if (reason === 'timeout') throw new CliError('SERVER_UNREACHABLE', messages.serverTimeout(server, timeoutMs / 1000));
      throw new CliError('SERVER_UNREACHABLE', messages.serverUnreachable(server, reason ?? String(error)));
    }
    const request = `${method} ${path}`;
    if (response.ok) {
      if (body === undefined && response.status !== 204) {
        throw new CliError('SERVER_ERROR', messages.notOurApi(server, response.status, response.headers.get('content-type')));
      }
      return body as T;
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
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
      throw new CliError('SERVER_ERROR', messages.notOurApi(server, response.status, response.headers.get('content-type')));
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
