// The console's one HTTP client: the user's bearer token on every call, the
// tenant in X-Tenant-ID, errors in the server's one error shape. Response
// types are generated from the server's /openapi.json (core/model/openapi-types.ts),
// named as the CLI, which reads the same routes, names them.
import type { ApiKeyView, AuditItem, ListPage, PreviewResponse } from '../../cli/http/api-types.js';
import type { Environment, Flag, Segment } from '../../core/model/index.js';
import type { AnswerOf } from '../../core/model/openapi-types.js';

/**
 * A document view with its data typed by the schemas/ file the route
 * references (core/model's type, generated from the same file the document
 * carries as a component).
 */
type WithData<View, D> = Omit<View, 'data'> & { data: D };

export type FlagView = WithData<AnswerOf<'getFlagsByKey', 200>, Flag>;
/** A GET /v1/flags item: the view and the flag's usage. */
export type FlagListItem = WithData<AnswerOf<'getFlags', 200>['items'][number], Flag>;
export type SegmentView = WithData<AnswerOf<'getSegmentsByKey', 200>, Segment>;
export type EnvironmentView = WithData<AnswerOf<'getEnvironmentsByKey', 200>, Environment>;
export type DocumentMeta = FlagView['meta'];
export type Usage = FlagListItem['usage'];
export type { ApiKeyView, AuditItem, ListPage, PreviewResponse };

/** A flag as read (the list's items, GET /v1/flags/{key}), with usage when the server reports it (servers before it did not). */
type MaybeUsage = { usage?: Usage };

/** Whether the server reports usage for this flag (then the list has a "last evaluated" column, the page a "last evaluated" line). */
export const hasUsage = <V extends MaybeUsage>(view: V): view is V & { usage: Usage } => view.usage !== undefined;

/** When the flag was last evaluated — in `environment` when given — or null (never, or not reported). */
export function lastEvaluated(view: MaybeUsage, environment?: string): string | null {
  if (!hasUsage(view)) return null;
  if (environment !== undefined) return view.usage.environments[environment]?.last_evaluated_at ?? null;
  return view.usage.last_evaluated_at;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  /** GET with the ETag, for a later If-Match. */
  getWithEtag<T>(path: string): Promise<{ body: T; etag: string | null }>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  headers(): Record<string, string>;
}

export function createApi(token: string, tenant: string | null, onUnauthenticated: () => void): Api {
  const headers = (): Record<string, string> => ({ authorization: `Bearer ${token}`, ...(tenant === null ? {} : { 'x-tenant-id': tenant }) });
  const request = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(path, {
      method,
      headers: { ...headers(), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    if (!response.ok) {
      let code = 'HTTP_ERROR';
      let message = `the server answered ${response.status}`;
      try {
        const body = (await response.json()) as { error?: { code?: string; message?: string } };
        code = body.error?.code ?? code;
        message = body.error?.message ?? message;
      } catch {
        // not our error shape: keep the status
      }
      if (response.status === 401) onUnauthenticated();
      throw new ApiError(response.status, code, message);
    }
    return response;
  };
  return {
    headers,
    get: async <T>(path: string) => (await (await request('GET', path)).json()) as T,
    getWithEtag: async <T>(path: string) => {
      const response = await request('GET', path);
      return { body: (await response.json()) as T, etag: response.headers.get('etag') };
    },
    send: async <T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, extra?: Record<string, string>) =>
      (await (await request(method, path, { body, ...(extra ? { headers: extra } : {}) })).json()) as T,
  };
}

export const query = (params: Record<string, string | number | undefined | null>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
};
