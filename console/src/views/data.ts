import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, query, type EnvironmentView, type FlagListItem, type ListPage } from '../api.js';
import type { TenantContext } from './context.js';
import { useLoad, type Loaded } from './hooks.js';

const PAGE = 200;

/** The tenant's environment keys in declaration order (or, without environments:read, those the flags configure). */
export function useEnvironments(ctx: TenantContext): Loaded<string[]> {
  return useLoad(async () => {
    try {
      const page = await ctx.api.get<ListPage<EnvironmentView>>(`/v1/environments${query({ limit: PAGE })}`);
      return page.items.map((e) => e.data.key);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403) throw error;
      const page = await ctx.api.get<ListPage<FlagListItem>>(`/v1/flags${query({ limit: PAGE })}`);
      return [...new Set(page.items.flatMap((f) => Object.keys(f.data.environments ?? {})))];
    }
  }, [ctx.tenant, ctx.revision]);
}

export interface FlagPages {
  items: FlagListItem[];
  hasMore: boolean;
  loading: boolean;
  error: Error | null;
  loadMore(): void;
}

/**
 * The flag list a page at a time (server-side keyset paging and search), so
 * the first rows show after one request whatever the tenant's size. A new
 * revision reloads as many rows as were loaded, keeping the scroll position.
 */
export function useFlagPages(ctx: TenantContext, q: string): FlagPages {
  const [items, setItems] = useState<FlagListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const generation = useRef(0);
  const loaded = useRef(0);
  const lastQuery = useRef(q);

  const fetchPage = (after: string | null) => ctx.api.get<ListPage<FlagListItem>>(`/v1/flags${query({ limit: PAGE, q, cursor: after })}`);

  useEffect(() => {
    const mine = ++generation.current;
    // A new search starts from one page; a new revision reloads what was loaded.
    if (lastQuery.current !== q) loaded.current = 0;
    lastQuery.current = q;
    const want = Math.max(PAGE, loaded.current);
    setLoading(true);
    (async () => {
      let all: FlagListItem[] = [];
      let next: string | null = null;
      do {
        const page: ListPage<FlagListItem> = await fetchPage(next);
        all = all.concat(page.items);
        next = page.next_cursor;
      } while (next !== null && all.length < want);
      return { all, next };
    })().then(
      ({ all, next }) => {
        if (mine !== generation.current) return;
        setItems(all);
        loaded.current = all.length;
        setCursor(next);
        setError(null);
        setLoading(false);
      },
      (e: Error) => mine === generation.current && (setError(e), setLoading(false)),
    );
  }, [ctx.tenant, q, ctx.revision, ctx.marks]);

  const loadMore = () => {
    if (loading || cursor === null) return;
    const mine = generation.current;
    setLoading(true);
    fetchPage(cursor).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems((prev) => {
          const next = prev.concat(page.items);
          loaded.current = next.length;
          return next;
        });
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: Error) => mine === generation.current && (setError(e), setLoading(false)),
    );
  };
  return { items, hasMore: cursor !== null, loading, error, loadMore };
}
