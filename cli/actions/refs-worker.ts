// How a worker thread knows it is one of `ff refs`'s searchers: the job it
// was started with. Apart from refs-search.ts, so that the entry of the
// installed bundle can check it without loading the search.
export const REFS_SEARCH_ROLE = 'ff-refs-search';

export function isRefsSearchJob(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === REFS_SEARCH_ROLE;
}
