import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

const SECRET = 'x'.repeat(32);

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({ FF_JWT_SECRET: SECRET });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      dbPath: './data/ff.db',
      dev: false,
      jwks: null,
      clockToleranceS: 30,
      seedDir: './flags',
      logLevel: 'info',
      bodyLimit: 1_048_576,
      defaultPageSize: 50,
      maxPageSize: 200,
      idempotencyTtlHours: 24,
      jwtSecretGenerated: false,
    });
  });

  it('refuses to start without a ≥ 32-byte secret outside dev mode', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ FF_JWT_SECRET: 'x'.repeat(31) })).toThrow(/32 bytes/);
    expect(() => loadConfig({ FF_DEV: '1', FF_JWT_SECRET: 'short' })).toThrow(/32 bytes/);
  });

  it('seed may run without a secret', () => {
    expect(loadConfig({}, { requireSecret: false }).dbPath).toBe('./data/ff.db');
  });

  it('generates a secret in dev mode', () => {
    const c = loadConfig({ FF_DEV: 'true' });
    expect(c.dev).toBe(true);
    expect(c.jwtSecretGenerated).toBe(true);
    expect(Buffer.byteLength(c.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ FF_DEV: 'true' }).jwtSecret).not.toBe(c.jwtSecret);
  });

  it('parses numbers and rejects bad values', () => {
    expect(loadConfig({ FF_JWT_SECRET: SECRET, FF_PORT: '9001', FF_MAX_PAGE_SIZE: '500' })).toMatchObject({ port: 9001, maxPageSize: 500 });
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_PORT: 'eighty' })).toThrow(/FF_PORT/);
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_LOG_LEVEL: 'loud' })).toThrow(/FF_LOG_LEVEL/);
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_DEFAULT_PAGE_SIZE: '300' })).toThrow(/FF_DEFAULT_PAGE_SIZE/);
  });

  it('JWKS needs issuer and audience', () => {
    expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_JWKS_URL: 'https://idp.example/jwks' })).toThrow(/ISSUER/);
    const c = loadConfig({
      FF_JWT_SECRET: SECRET,
      FF_JWKS_URL: 'https://idp.example/jwks',
      FF_JWT_ISSUER: 'https://idp.example',
      FF_JWT_AUDIENCE: 'ff',
    });
    expect(c.jwks).toEqual({ url: 'https://idp.example/jwks', issuer: 'https://idp.example', audience: 'ff' });
  });

  describe('database selection', () => {
    const URL_ = 'postgres://ff:s3cret@db.internal:5432/ff';
    it('unset: SQLite at FF_DB_PATH', () => {
      expect(loadConfig({ FF_JWT_SECRET: SECRET }).databaseUrl).toBeNull();
      expect(loadConfig({ FF_JWT_SECRET: SECRET, FF_DATABASE_URL: '', DB_DSN: '' }).databaseUrl).toBeNull();
    });
    it('FF_DATABASE_URL, or DB_DSN as its alias, selects PostgreSQL', () => {
      expect(loadConfig({ FF_JWT_SECRET: SECRET, FF_DATABASE_URL: URL_ }).databaseUrl).toBe(URL_);
      expect(loadConfig({ FF_JWT_SECRET: SECRET, DB_DSN: URL_ }).databaseUrl).toBe(URL_);
      expect(loadConfig({ FF_JWT_SECRET: SECRET, FF_DATABASE_URL: URL_, DB_DSN: URL_ }).databaseUrl).toBe(URL_);
      const socket = 'postgresql://ff@localhost/ff?host=/var/run/postgresql';
      expect(loadConfig({ FF_JWT_SECRET: SECRET, DB_DSN: socket }).databaseUrl).toBe(socket);
    });
    it('refuses two different values, a non-PostgreSQL URL, no host or no database — without echoing the password', () => {
      const bad: [Record<string, string>, RegExp][] = [
        [{ FF_DATABASE_URL: URL_, DB_DSN: 'postgres://ff:s3cret@other:5432/ff' }, /both set and differ/],
        [{ FF_DATABASE_URL: 'ff:s3cret@db:5432/ff' }, /FF_DATABASE_URL must be a postgres/],
        [{ DB_DSN: 'not a url s3cret' }, /DB_DSN is not a URL/],
        [{ FF_DATABASE_URL: 'mysql://ff:s3cret@db/ff' }, /must be a postgres:\/\/ or postgresql:\/\/ URL/],
        [{ FF_DATABASE_URL: 'postgres://ff:s3cret@db.internal:5432' }, /names no database/],
        [{ FF_DATABASE_URL: 'postgres:///ff' }, /names no host/],
      ];
      for (const [env, message] of bad) {
        let error: unknown;
        try {
          loadConfig({ FF_JWT_SECRET: SECRET, ...env });
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain('s3cret');
      }
    });
  });
});
