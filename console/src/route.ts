// The console's places, in the URL fragment (#/acme/flags/new-checkout): the
// server serves one page, and nothing secret ever goes into the address.

export type View = 'flags' | 'flag' | 'segments' | 'audit' | 'keys' | 'playground';

export interface Route {
  tenant: string | null;
  view: View;
  /** The flag of the flag page. */
  key?: string;
  /** Query parameters after the path (filters, the selected environment). */
  params: Record<string, string>;
}

const VIEWS: readonly View[] = ['flags', 'segments', 'audit', 'keys', 'playground'];

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [tenant, view, key] = parts;
  if (tenant === undefined) return { tenant: null, view: 'flags', params };
  if (view === 'flags' && key !== undefined) return { tenant, view: 'flag', key, params };
  return { tenant, view: VIEWS.includes(view as View) ? (view as View) : 'flags', params };
}

export function href(route: Omit<Route, 'params'> & { params?: Record<string, string | undefined> }): string {
  if (route.tenant === null) return '#/';
  const path = [route.tenant, route.view === 'flag' ? 'flags' : route.view, ...(route.view === 'flag' && route.key !== undefined ? [route.key] : [])];
  const entries = Object.entries(route.params ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  const query = new URLSearchParams(entries).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${query === '' ? '' : `?${query}`}`;
}
