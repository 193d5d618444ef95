// The console's routes, its virtual window and the change-stream events it reads.
import { describe, expect, it } from 'vitest';
import { href, parseRoute } from '../src/route.js';
import { parseRevision } from '../src/sse.js';
import { needsMore, rowWindow } from '../src/window.js';

describe('routes', () => {
  it('round-trips every view through the fragment', () => {
    expect(parseRoute('')).toEqual({ tenant: null, view: 'flags', params: {} });
    expect(parseRoute('#/acme/flags/new%20one?env=production')).toEqual({ tenant: 'acme', view: 'flag', key: 'new one', params: { env: 'production' } });
    expect(parseRoute('#/acme/nonsense')).toMatchObject({ tenant: 'acme', view: 'flags' });
    for (const route of [
      { tenant: 'acme', view: 'flag' as const, key: 'x/y', params: { env: 'staging' } },
      { tenant: 'acme', view: 'audit' as const, params: { actor: 'ci', commit: 'abc1234' } },
      { tenant: 'acme', view: 'playground' as const, params: { flag: 'f', env: 'production' } },
    ]) {
      expect(parseRoute(href(route))).toEqual(route);
    }
    expect(href({ tenant: 'acme', view: 'flags', params: { q: undefined, env: '' } })).toBe('#/acme/flags');
  });
});

describe('row window', () => {
  it('renders the rows in view plus an overscan, and spaces for the rest', () => {
    expect(rowWindow({ scrollTop: 0, viewportHeight: 520, rowHeight: 52, count: 10_000 })).toEqual({ start: 0, end: 19, before: 0, after: (10_000 - 19) * 52 });
    const w = rowWindow({ scrollTop: 52 * 5000, viewportHeight: 520, rowHeight: 52, count: 10_000 });
    expect(w).toEqual({ start: 4992, end: 5019, before: 4992 * 52, after: (10_000 - 5019) * 52 });
    expect(rowWindow({ scrollTop: 1e9, viewportHeight: 520, rowHeight: 52, count: 3 })).toEqual({ start: 3, end: 3, before: 156, after: 0 });
    expect(needsMore(rowWindow({ scrollTop: 52 * 170, viewportHeight: 520, rowHeight: 52, count: 200 }), 200, true)).toBe(true);
    expect(needsMore(rowWindow({ scrollTop: 0, viewportHeight: 520, rowHeight: 52, count: 200 }), 200, true)).toBe(false);
    expect(needsMore(rowWindow({ scrollTop: 52 * 190, viewportHeight: 520, rowHeight: 52, count: 200 }), 200, false)).toBe(false);
  });
});

describe('stream events', () => {
  it('reads revision events and ignores the rest', () => {
    expect(parseRevision({ event: 'revision', id: '3', data: '{"tenant":"acme","environment":"production","revision":3,"changed":["flag:x"]}' })).toEqual({
      tenant: 'acme',
      environment: 'production',
      revision: 3,
      changed: ['flag:x'],
    });
    expect(parseRevision({ event: 'message', id: undefined, data: '{}' })).toBeNull();
    expect(parseRevision({ event: 'revision', id: undefined, data: 'nope' })).toBeNull();
  });
});
