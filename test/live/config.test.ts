// The live-index configuration variables: defaults and validation.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

const SECRET = 'x'.repeat(32);

describe('live-index configuration', () => {
  it('has documented defaults: database watch on, no watch mode', () => {
    expect(loadConfig({ FF_JWT_SECRET: SECRET })).toMatchObject({
      watchDb: true,
      watchDbCheckMs: 5000,
      watchDir: null,
      watchDebounceMs: 250,
      streamHeartbeatMs: 15_000,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      FF_JWT_SECRET: SECRET,
      FF_WATCH_DB: 'false',
      FF_WATCH_DB_CHECK_MS: '1000',
      FF_WATCH_DIR: '/srv/flags',
      FF_WATCH_DEBOUNCE_MS: '0',
      FF_STREAM_HEARTBEAT_MS: '200',
    });
    expect(c).toMatchObject({ watchDb: false, watchDbCheckMs: 1000, watchDir: '/srv/flags', watchDebounceMs: 0, streamHeartbeatMs: 200 });
    expect(loadConfig({ FF_JWT_SECRET: SECRET, FF_WATCH_DB: '0' }).watchDb).toBe(false);
  });

  it('refuses values out of range', () => {
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_WATCH_DB: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_WATCH_DB_CHECK_MS: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_STREAM_HEARTBEAT_MS: 'soon' })).toThrow(ConfigError);
  });
});
