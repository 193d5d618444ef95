// The bearer token lives in sessionStorage only: gone when the tab closes,
// never in a URL, a cookie, localStorage or a log line.
const KEY = 'ff.console.token';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage = sessionStorage): TokenStore {
  return {
    get: () => storage.getItem(KEY),
    set: (token) => storage.setItem(KEY, token.trim()),
    clear: () => storage.removeItem(KEY),
  };
}
