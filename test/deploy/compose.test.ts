// compose.yaml and the nginx configuration it mounts, as files: valid against
// the Compose Specification's JSON Schema and clean under DCLint's rules, and
// saying what docs/operations.md says — PostgreSQL plus two replicas behind a
// load balancer that alone publishes a port, health checks on the server's
// real routes, an environment the server accepts. Docker is not available
// here, so `docker compose config` / `up` are not run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_MAX_FILE_BYTES } from '../../core/yaml/limits.js';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.js';
import { ROOT } from '../cli/support/run-ff.js';
import { all, one, parseNginx } from './nginx-conf.js';

const COMPOSE_FILE = join(ROOT, 'compose.yaml');
const NGINX_FILE = join(ROOT, 'deploy/nginx/nginx.conf');

interface Service {
  image: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  read_only?: boolean;
}
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;
const replicas = Object.keys(services).filter((name) => /^ff-\d+$/.test(name));
const nginx = parseNginx(readFileSync(NGINX_FILE, 'utf8'));
const http = one(nginx, 'http').block!;

/** `${NAME:-default}` and `${NAME:?message}` as compose expands them, from `vars`. */
const interpolate = (value: string, vars: Record<string, string>) =>
  value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, rest?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (op === '?') throw new Error(`${name}: ${rest}`);
    return op === '-' ? (rest ?? '') : '';
  });

describe('compose.yaml', () => {
  it('is valid against the Compose Specification and clean under DCLint', () => {
    const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
    const [result] = linter.lintFiles([COMPOSE_FILE], false);
    expect(result!.messages).toEqual([]);
    // The check is real: a misspelt key is an error.
    expect(linter.lintFiles([join(ROOT, 'test/deploy/fixtures/compose-misspelt.yaml')], false)[0]!.errorCount).toBeGreaterThan(0);
  });

  it('runs PostgreSQL, two ff replicas and a load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(['db', 'ff-1', 'ff-2', 'lb']);
    expect(services.db!.image).toMatch(/^postgres:\d+/);
    expect(services.lb!.image).toMatch(/^nginx:\d+\.\d+/);
    for (const name of replicas) expect(services[name]!.build).toBe('.');
  });

  it('publishes only the load balancer’s port', () => {
    expect(Object.entries(services).filter(([, s]) => s.ports !== undefined).map(([n]) => n)).toEqual(['lb']);
    const [published] = services.lb!.ports!;
    const listen = one(one(http, 'server').block!, 'listen').args[0];
    expect(published).toBe(`127.0.0.1:8000:${listen}`);
  });

  it('the replicas wait for a healthy database, and report ready on /readyz', () => {
    for (const name of replicas) {
      const s = services[name]!;
      expect(s.depends_on).toEqual({ db: { condition: 'service_healthy' } });
      expect(s.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8000/readyz');
      expect(s.read_only).toBe(true);
    }
    expect(services.db!.healthcheck!.test).toEqual(['CMD', 'pg_isready', '-U', 'ff', '-d', 'ff']);
    expect(services.db!.volumes).toEqual(['pg-data:/var/lib/postgresql/data']);
  });

  it('each replica’s environment is one the server accepts, naming the compose database', () => {
    for (const name of replicas) {
      const env = Object.fromEntries(
        Object.entries(services[name]!.environment!).map(([k, v]) => [k, interpolate(String(v), { FF_JWT_SECRET: 'x'.repeat(48) })]),
      );
      for (const key of Object.keys(env)) expect(CONFIG_VARIABLES, `${key} is not a server setting`).toContain(key);
      const config = loadConfig(env);
      const url = new URL(config.databaseUrl!);
      expect([url.hostname, url.port, url.pathname, url.username]).toEqual(['db', '5432', '/ff', services.db!.environment!.POSTGRES_USER]);
      expect(decodeURIComponent(url.password)).toBe(interpolate(services.db!.environment!.POSTGRES_PASSWORD!, {}));
      expect(() => interpolate(String(services[name]!.environment!.FF_JWT_SECRET), {})).toThrow(/set FF_JWT_SECRET/);
    }
  });

  it('the load balancer mounts deploy/nginx/nginx.conf, whose upstream is exactly the replicas', () => {
    expect(services.lb!.volumes).toEqual(['./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro']);
    const upstream = one(http, 'upstream', 'ff').block!;
    expect(all(upstream, 'server').map((d) => d.args[0])).toEqual(replicas.map((n) => `${n}:8000`));
    expect(Object.keys(services.lb!.depends_on!).sort()).toEqual(replicas);
  });
});

describe('deploy/nginx/nginx.conf', () => {
  const server = one(http, 'server').block!;

  it('streams server-sent events unbuffered, with a read timeout far above the heartbeat', () => {
    const stream = one(server, 'location', '=', '/v1/stream').block!;
    expect(one(stream, 'proxy_buffering').args).toEqual(['off']);
    expect(one(stream, 'proxy_cache').args).toEqual(['off']);
    expect(one(stream, 'proxy_read_timeout').args).toEqual(['1h']);
    expect(one(stream, 'proxy_pass').args).toEqual(['http://ff']);
  });

  it('keeps upstream connections alive (HTTP/1.1, no Connection: close from the client)', () => {
    expect(one(server, 'proxy_http_version').args).toEqual(['1.1']);
    expect(one(server, 'proxy_set_header', 'Connection').args[1]).toBe('');
    expect(one(one(http, 'upstream', 'ff').block!, 'keepalive').args).toEqual(['32']);
  });

  it('never answers a too-large body itself: its limit is above the server’s default', () => {
    const size = one(http, 'client_max_body_size').args[0]!;
    expect(Number(/^(\d+)m$/.exec(size)![1]) * 1024 * 1024).toBeGreaterThan(DEFAULT_MAX_FILE_BYTES);
  });

  it('retries only safe requests on another replica', () => {
    const next = one(server, 'proxy_next_upstream').args;
    expect(next).toContain('http_503');
    expect(next).not.toContain('non_idempotent');
  });

  it('passes the Host (OFREP links the stream by it) and a request id', () => {
    expect(one(server, 'proxy_set_header', 'Host').args[1]).toBe('$http_host');
    expect(one(server, 'proxy_set_header', 'X-Request-ID').args[1]).toBe('$ff_request_id');
  });
});
