// The console's one HTTP client: the user's bearer token on every call, the
// tenant in X-Tenant-ID, errors in the server's one error shape. Response
// types come from the server and the CLI, which read the same routes.
import type { ApiKeyView, AuditItem, ListPage, PreviewResponse } from '../../cli/http/api-types.js';
import type { Environment, Flag, Segment } from '../../core/model/index.js';
import type { toDocumentView } from '../../server/features/documents/document-view.js';

export type DocumentMeta = ReturnType<typeof toDocumentView>['meta'];

/** Usage, when the server reports it on GET /v1/flags items: read if present, never required. */
export interface Usage {
  /** Any environment; null: never evaluated. */
  last_evaluated_at?: string | null;
  evaluations?: number;
  environments?: Record<string, { last_evaluated_at?: string | null; evaluations?: number } | undefined>;
}

export interface DocumentView<D> {
  data: D;
  meta: DocumentMeta & { usage?: Usage; last_evaluated_at?: string | null };
  usage?: Usage;
}

export type FlagView = DocumentView<Flag>;
export type SegmentView = DocumentView<Segment>;
export type EnvironmentView = DocumentView<Environment>;
export type { ApiKeyView, AuditItem, ListPage, PreviewResponse };

/** Whether the server reports usage for this flag at all (then the list has a "last evaluated" column). */
export const hasUsage = (view: FlagView): boolean => view.usage !== undefined || view.meta.usage !== undefined || view.meta.last_evaluated_at !== undefined;

/** When the flag was last evaluated — in `environment` when the server breaks usage down by environment — or null. */
export function lastEvaluated(view: FlagView, environment?: string): string | null {
  const usage = view.usage ?? view.meta.usage;
  if (environment !== undefined && usage?.environments !== undefined) return usage.environments[environment]?.last_evaluated_at ?? null;
  return usage?.last_evaluated_at ?? view.meta.last_evaluated_at ?? null;
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
