// Server configuration: read from environment variables ONCE at start-up and
// validated against a schema; nothing else in server/ reads process.env.
import { randomBytes } from 'node:crypto';
import { Ajv } from 'ajv';
import { DEFAULT_MAX_FILE_BYTES } from '../core/yaml/limits.js';
import { CiAccessError, loadCiAccess, type CiAccess } from './auth/ci/access-file.js';

export interface JwksConfig {
  url: string;
  issuer: string;
  audience: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  dbPath: string;
  /** FF_DATABASE_URL (alias DB_DSN): a postgres:// connection string selects the PostgreSQL store; null: SQLite at dbPath. */
  databaseUrl: string | null;
  dev: boolean;
  jwtSecret: string;
  /** True when the secret was generated at start-up (dev mode only): print it. */
  jwtSecretGenerated: boolean;
  jwks: JwksConfig | null;
  /** FF_CI_ACCESS_FILE, read and validated at start-up: CI OIDC tokens and what they may do (null: not accepted). */
  ciAccess: CiAccess | null;
  clockToleranceS: number;
  seedDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimit: number;
  defaultPageSize: number;
  maxPageSize: number;
  idempotencyTtlHours: number;
  /** Reload other processes' commits to the shared database file (default on). */
  watchDb: boolean;
  /** Period of the database watch's safety-net data_version check (ms). */
  watchDbCheckMs: number;
  /** Watch mode: a flags directory reconciled into the database on every change (null: off). */
  watchDir: string | null;
  /** Quiet time after the last file event before a watch-mode reconcile (ms). */
  watchDebounceMs: number;
  /** Interval of comment heartbeats on GET /v1/stream (ms). */
  streamHeartbeatMs: number;
  /** How often buffered experiment exposures are written (ms). */
  exposureFlushMs: number;
  /** Metric events and exposures older than this many days are deleted. */
  eventsRetentionDays: number;
  /** SQLite: experiment result summaries that may wait for the results worker (more are refused with 503). */
  resultsQueue: number;
  /** SQLite: a result summary that takes longer fails with 503 and its worker is replaced (ms). */
  resultsTimeoutMs: number;
  /** Count evaluations per flag for the usage table (default on; off: no usage for lint and safe delete). */
  usage: boolean;
  /** How often each process adds its in-memory evaluation counts to the usage table (ms; also at shutdown). */
  usageFlushMs: number;
  /** Days of usage rows kept (older days are purged once a day). */
  usageRetentionDays: number;
  /** A flag evaluated within this many days is in use: deleting it needs allow_delete_in_use. */
  deleteInUseDays: number;
  /** Console sign-in with the identity provider of `jwks` (authorization code + PKCE); null: bearer token only. */
  consoleOidc: ConsoleOidcConfig | null;
}

/** What the console needs to send people to the identity provider: its issuer (discovery) and the console's client. */
export interface ConsoleOidcConfig {
  issuer: string;
  clientId: string;
  /** Space-separated scopes the console asks the provider for. */
  scope: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every variable, its default and what it does (docs/operations.md mirrors this). */
const envSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    FF_HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    FF_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8000 },
    FF_DB_PATH: { type: 'string', minLength: 1, default: './data/ff.db' },
    FF_DATABASE_URL: { type: 'string', default: '' },
    DB_DSN: { type: 'string', default: '' },
    FF_DEV: { type: 'string', enum: ['', '0', '1', 'true', 'false'], default: '' },
    FF_JWT_SECRET: { type: 'string', default: '' },
    FF_JWKS_URL: { type: 'string', default: '' },
    FF_JWT_ISSUER: { type: 'string', default: '' },
    FF_JWT_AUDIENCE: { type: 'string', default: '' },
    FF_JWT_CLOCK_TOLERANCE_S: { type: 'integer', minimum: 0, maximum: 300, default: 30 },
    FF_CI_ACCESS_FILE: { type: 'string', default: '' },
    FF_SEED_DIR: { type: 'string', minLength: 1, default: './flags' },
    FF_LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    // The same default as the YAML loader's per-file cap: a body holds what a file may.
    FF_BODY_LIMIT: { type: 'integer', minimum: 1024, maximum: 104_857_600, default: DEFAULT_MAX_FILE_BYTES },
    FF_DEFAULT_PAGE_SIZE: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    FF_MAX_PAGE_SIZE: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
    FF_IDEMPOTENCY_TTL_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 24 },
    FF_WATCH_DB: { type: 'string', enum: ['', '0', '1', 'true', 'false'], default: '1' },
    FF_WATCH_DB_CHECK_MS: { type: 'integer', minimum: 100, maximum: 600_000, default: 5000 },
    FF_WATCH_DIR: { type: 'string', default: '' },
    FF_WATCH_DEBOUNCE_MS: { type: 'integer', minimum: 0, maximum: 60_000, default: 250 },
    FF_STREAM_HEARTBEAT_MS: { type: 'integer', minimum: 50, maximum: 600_000, default: 15_000 },
    FF_EXPOSURE_FLUSH_MS: { type: 'integer', minimum: 10, maximum: 600_000, default: 1_000 },
    FF_EVENTS_RETENTION_DAYS: { type: 'integer', minimum: 1, maximum: 3650, default: 90 },
    FF_RESULTS_QUEUE: { type: 'integer', minimum: 0, maximum: 1000, default: 8 },
    FF_RESULTS_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 120_000 },
    FF_CONSOLE_OIDC_CLIENT_ID: { type: 'string', default: '' },
    FF_CONSOLE_OIDC_SCOPE: { type: 'string', minLength: 1, default: 'openid' },
    FF_USAGE: { type: 'string', enum: ['', '0', '1', 'true', 'false'], default: '1' },
    FF_USAGE_FLUSH_MS: { type: 'integer', minimum: 50, maximum: 600_000, default: 10_000 },
    FF_USAGE_RETENTION_DAYS: { type: 'integer', minimum: 30, maximum: 3650, default: 400 },
    FF_DELETE_IN_USE_DAYS: { type: 'integer', minimum: 1, maximum: 365, default: 7 },
  },
} as const;

/** The names `loadConfig` reads: deployment files are checked against them (a misspelt name would be ignored). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.properties);

interface RawEnv {
  FF_HOST: string;
  FF_PORT: number;
  FF_DB_PATH: string;
  FF_DATABASE_URL: string;
  DB_DSN: string;
  FF_DEV: string;
  FF_JWT_SECRET: string;
  FF_JWKS_URL: string;
  FF_JWT_ISSUER: string;
  FF_JWT_AUDIENCE: string;
  FF_JWT_CLOCK_TOLERANCE_S: number;
  FF_CI_ACCESS_FILE: string;
  FF_SEED_DIR: string;
  FF_LOG_LEVEL: ServerConfig['logLevel'];
  FF_BODY_LIMIT: number;
  FF_DEFAULT_PAGE_SIZE: number;
  FF_MAX_PAGE_SIZE: number;
  FF_IDEMPOTENCY_TTL_HOURS: number;
  FF_WATCH_DB: string;
  FF_WATCH_DB_CHECK_MS: number;
  FF_WATCH_DIR: string;
  FF_WATCH_DEBOUNCE_MS: number;
  FF_STREAM_HEARTBEAT_MS: number;
  FF_EXPOSURE_FLUSH_MS: number;
  FF_EVENTS_RETENTION_DAYS: number;
  FF_RESULTS_QUEUE: number;
  FF_RESULTS_TIMEOUT_MS: number;
  FF_CONSOLE_OIDC_CLIENT_ID: string;
  FF_CONSOLE_OIDC_SCOPE: string;
  FF_USAGE: string;
  FF_USAGE_FLUSH_MS: number;
  FF_USAGE_RETENTION_DAYS: number;
  FF_DELETE_IN_USE_DAYS: number;
}

// Environment values are strings: this Ajv instance (and only this one) coerces.
const validateEnv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true }).compile(envSchema);

export const MIN_SECRET_BYTES = 32;

export interface LoadOptions {
  /** `seed` never verifies tokens: it may run without FF_JWT_SECRET. */
  requireSecret?: boolean;
}

/**
 * FF_DATABASE_URL, or DB_DSN (its alias): unset selects SQLite. Checked here so
 * a typo stops the start instead of surfacing as a connection error later;
 * messages never repeat the string (it may hold a password).
 */
function databaseUrl(primary: string, alias: string): string | null {
  if (primary !== '' && alias !== '' && primary !== alias) {
    throw new ConfigError('FF_DATABASE_URL and DB_DSN are both set and differ: set one');
  }
  const value = primary !== '' ? primary : alias;
  if (value === '') return null;
  const name = primary !== '' ? 'FF_DATABASE_URL' : 'DB_DSN';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL (expected postgres://user:password@host:5432/database)`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must be a postgres:// or postgresql:// URL (unset it to use the SQLite file FF_DB_PATH)`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) throw new ConfigError(`${name} names no host`);
  if (url.pathname === '' || url.pathname === '/') throw new ConfigError(`${name} names no database (postgres://…/DATABASE)`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): ServerConfig {
  const requireSecret = options.requireSecret ?? true;
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(envSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  if (!validateEnv(raw)) {
    const problems = (validateEnv.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'env'} ${e.message ?? ''}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const v = raw as unknown as RawEnv;
  const dev = v.FF_DEV === '1' || v.FF_DEV === 'true';

  let jwtSecret = v.FF_JWT_SECRET;
  let jwtSecretGenerated = false;
  if (jwtSecret === '') {
    if (!dev && requireSecret) throw new ConfigError(`FF_JWT_SECRET is required outside dev mode (at least ${MIN_SECRET_BYTES} bytes)`);
    jwtSecret = randomBytes(32).toString('base64url');
    jwtSecretGenerated = true;
  }
  if (requireSecret && Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`FF_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }

  let jwks: JwksConfig | null = null;
  if (v.FF_JWKS_URL !== '') {
    if (v.FF_JWT_ISSUER === '' || v.FF_JWT_AUDIENCE === '') {
      throw new ConfigError('FF_JWKS_URL requires FF_JWT_ISSUER and FF_JWT_AUDIENCE');
    }
    if (!/^https?:\/\//.test(v.FF_JWKS_URL)) throw new ConfigError('FF_JWKS_URL must be an http(s) URL');
    jwks = { url: v.FF_JWKS_URL, issuer: v.FF_JWT_ISSUER, audience: v.FF_JWT_AUDIENCE };
  }
  let ciAccess: CiAccess | null = null;
  if (v.FF_CI_ACCESS_FILE !== '') {
    try {
      ciAccess = loadCiAccess(v.FF_CI_ACCESS_FILE);
    } catch (error) {
      if (error instanceof CiAccessError) throw new ConfigError(`FF_CI_ACCESS_FILE: ${error.message}`);
      throw error;
    }
  }
  let consoleOidc: ConsoleOidcConfig | null = null;
  if (v.FF_CONSOLE_OIDC_CLIENT_ID !== '') {
    // The console signs in where the server verifies: the provider whose tokens FF_JWKS_URL checks.
    if (jwks === null) throw new ConfigError('FF_CONSOLE_OIDC_CLIENT_ID requires FF_JWKS_URL, FF_JWT_ISSUER and FF_JWT_AUDIENCE');
    if (!/^https?:\/\//.test(jwks.issuer)) throw new ConfigError('FF_CONSOLE_OIDC_CLIENT_ID requires FF_JWT_ISSUER to be the provider\'s http(s) issuer URL');
    consoleOidc = { issuer: jwks.issuer, clientId: v.FF_CONSOLE_OIDC_CLIENT_ID, scope: v.FF_CONSOLE_OIDC_SCOPE };
  }
  if (v.FF_DEFAULT_PAGE_SIZE > v.FF_MAX_PAGE_SIZE) {
    throw new ConfigError('FF_DEFAULT_PAGE_SIZE must not exceed FF_MAX_PAGE_SIZE');
  }

  return {
    host: v.FF_HOST,
    port: v.FF_PORT,
    dbPath: v.FF_DB_PATH,
    databaseUrl: databaseUrl(v.FF_DATABASE_URL, v.DB_DSN),
    dev,
    jwtSecret,
    jwtSecretGenerated,
    jwks,
    ciAccess,
    clockToleranceS: v.FF_JWT_CLOCK_TOLERANCE_S,
    seedDir: v.FF_SEED_DIR,
    logLevel: v.FF_LOG_LEVEL,
    bodyLimit: v.FF_BODY_LIMIT,
    defaultPageSize: v.FF_DEFAULT_PAGE_SIZE,
    maxPageSize: v.FF_MAX_PAGE_SIZE,
    idempotencyTtlHours: v.FF_IDEMPOTENCY_TTL_HOURS,
    watchDb: v.FF_WATCH_DB !== '0' && v.FF_WATCH_DB !== 'false',
    watchDbCheckMs: v.FF_WATCH_DB_CHECK_MS,
    watchDir: v.FF_WATCH_DIR === '' ? null : v.FF_WATCH_DIR,
    watchDebounceMs: v.FF_WATCH_DEBOUNCE_MS,
    streamHeartbeatMs: v.FF_STREAM_HEARTBEAT_MS,
    exposureFlushMs: v.FF_EXPOSURE_FLUSH_MS,
    eventsRetentionDays: v.FF_EVENTS_RETENTION_DAYS,
    resultsQueue: v.FF_RESULTS_QUEUE,
    resultsTimeoutMs: v.FF_RESULTS_TIMEOUT_MS,
    consoleOidc,
    usage: v.FF_USAGE !== '0' && v.FF_USAGE !== 'false',
    usageFlushMs: v.FF_USAGE_FLUSH_MS,
    usageRetentionDays: v.FF_USAGE_RETENTION_DAYS,
    deleteInUseDays: v.FF_DELETE_IN_USE_DAYS,
  };
}
