// What a write costs as the tenant grows: the same one-flag PUT, the same
// whole-state apply that changes one flag, and the first apply, on a small
// and on a large tenant of scripts/gen-repo.mjs's flags, each through the
// real app (buildApp, every hook, auth, schema validation, SQLite file) by
// Fastify's inject: server time, no network. The first apply is set beside
// better-sqlite3 inserting the same rows (documents, audit, revision) in one
// transaction, measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { contentHash, manifestBucketsOf } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { buildApp } from '../../server/app.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/open.js';
import { percentile } from '../live/percentile.js';
import { median } from '../lib/stats.js';

/** The JWT secret of every app openApp builds. */
export const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

export interface Timing {
  samples: number;
  medianMs: number;
  p99Ms: number;
}

export interface TenantFigures {
  flags: number;
  /** POST /v1/apply of every flag into an empty tenant (one sample per fresh database). */
  firstApply: Timing;
  /** better-sqlite3 alone: the same document, audit and revision rows in one transaction. */
  rawInsert: Timing;
  /** PUT /v1/flags/{key} changing one flag. */
  put: Timing;
  /** POST /v1/apply of the whole state (full body) with one flag changed. */
  applyWhole: Timing;
  /** POST /v1/apply as the CLI sends it: the delta (one flag) against the manifest. */
  applyDelta: Timing;
  /** POST /v1/state/manifest with the desired state's bucket digests: the probe ff plan and ff apply make first. */
  manifest: Timing;
  /** ff apply's round, each sample: the probe, then the delta. */
  applyRound: Timing;
  /** GET /v1/state/manifest after each change: the whole manifest (an older CLI's probe). */
  wholeManifest: Timing;
}

export interface WritesOptions {
  root: string;
  sizes: number[];
  samples: number;
  firstApplies: number;
  seed: number;
  onStep?: (message: string) => void;
}

const timing = (xs: number[]): Timing => ({ samples: xs.length, medianMs: median(xs), p99Ms: percentile(xs, 99) });

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * Collects what the previous phase left (a first or whole-state apply
 * leaves hundreds of MB of parsed JSON) so the next phase's timings are
 * its own work, not that garbage's collection. Needs --expose-gc, which
 * `make bench` passes; without it the figures are noisier, not wrong.
 */
function settle(): void {
  gc?.();
  gc?.();
}

export function generate(root: string, work: string, flags: number, seed: number): Promise<TenantState> {
  const out = path.join(work, `repo-${flags}`);
  const gen = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-repo.mjs'), '--out', out, '--flags', String(flags), '--tenants', '1', '--seed', String(seed)], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`gen-repo failed: ${gen.stderr}`);
  return loadRepository(out).then((loaded) => {
    const state = loaded.tenants[0];
    if (state === undefined || loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('the generated repository did not load');
    return state;
  });
}

/** An app on the SQLite file in `dir`, or on the store `env` names (FF_DATABASE_URL), seeding nothing. */
export async function openApp(dir: string, env: Record<string, string> = { FF_DB_PATH: path.join(dir, 'ff.db') }): Promise<FastifyInstance> {
  const config = loadConfig({ FF_JWT_SECRET: SECRET, FF_PORT: '0', FF_LOG_LEVEL: 'info', FF_SEED_DIR: path.join(dir, 'no-seed'), ...env });
  // A request log line is part of a write's cost; where it goes is not.
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const app = await buildApp(config, { logDestination: sink });
  // Route schemas compile at ready(): not part of any write.
  await app.ready();
  await app.ff.loadIndexes();
  return app;
}

/**
 * One request through inject, timed; anything but 2xx throws. The body is
 * serialized before the clock starts: that is the client's work (8 MB of
 * JSON for a whole 10,000-flag state, tens of ms), not the server's.
 */
export async function inject(app: FastifyInstance, token: string, tenant: string, method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const started = performance.now();
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'PUT' ? { 'if-match': '*' } : {}) },
    ...(payload === undefined ? {} : { payload }),
  });
  const ms = performance.now() - started;
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 400)}`);
  return { ms, json: res.json() as Record<string, unknown> };
}

const commit = (i: number) => ({ sha: i.toString(16).padStart(40, '0'), message: `bench ${i}` });
const toBody = (state: TenantState) => ({ environments: state.environments, flags: state.flags, segments: state.segments });

/** One flag with its description set to a text that alternates, so every write is one update. */
function edited(flag: Flag, i: number): Flag {
  return { ...flag, description: `bench edit ${i % 2}` };
}

/** The same rows a first apply writes, inserted by better-sqlite3 alone in one transaction. */
function rawInsert(dir: string, state: TenantState): number {
  const db = openDatabase(path.join(dir, 'raw.db'));
  try {
    const now = new Date().toISOString();
    const started = performance.now();
    db.transaction(() => {
      db.prepare('INSERT INTO tenants (key, revision, created_at, updated_at) VALUES (?, 1, ?, ?)').run(state.tenant, now, now);
      const kinds = [
        ['environments', 'environment', state.environments],
        ['segments', 'segment', state.segments],
        ['flags', 'flag', state.flags],
      ] as const;
      const audit = db.prepare(
        `INSERT INTO audit (tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id)
         VALUES (?, ?, 'bench', 'git', NULL, ?, ?, 'create', NULL, ?, 1, NULL, NULL)`,
      );
      const changes: unknown[] = [];
      for (const [table, kind, docs] of kinds) {
        const insert = db.prepare(
          `INSERT INTO ${table} (tenant, key, doc, revision, managed_by, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, 1, 'git', ?, 'bench', ?, 'bench')`,
        );
        for (const doc of docs) {
          const json = JSON.stringify(doc);
          insert.run(state.tenant, doc.key, json, now, now);
          audit.run(state.tenant, now, kind, doc.key, json);
          changes.push({ resource: kind, key: doc.key, action: 'create', environments: [] });
        }
      }
      db.prepare(`INSERT INTO revisions (tenant, revision, ts, actor, source, changes) VALUES (?, 1, ?, 'bench', 'git', ?)`).run(state.tenant, now, JSON.stringify(changes));
    }).immediate();
    return performance.now() - started;
  } finally {
    db.close();
  }
}

async function measureTenant(state: TenantState, work: string, o: WritesOptions): Promise<TenantFigures> {
  const n = state.flags.length;
  const token = await mintToken({ secret: SECRET, tenants: [state.tenant], sub: 'bench' });
  const first: number[] = [];
  const raw: number[] = [];
  let app: FastifyInstance | undefined;
  for (let i = 0; i < o.firstApplies; i++) {
    const dir = mkdtempSync(path.join(work, `db-${n}-`));
    settle();
    raw.push(rawInsert(dir, state));
    await app?.close();
    app = await openApp(dir);
    settle();
    const r = await inject(app, token, state.tenant, 'POST', '/v1/apply', { state: toBody(state), base_revision: 0, commit: commit(1), allow_delete: true });
    first.push(r.ms);
  }
  const live = app as FastifyInstance;
  try {
    const target = state.flags[Math.floor(n / 2)] as Flag;
    const put: number[] = [];
    settle();
    for (let i = 0; i < o.samples; i++) {
      put.push((await inject(live, token, state.tenant, 'PUT', `/v1/flags/${target.key}?force=true`, edited(target, i))).ms);
    }
    const whole: number[] = [];
    const delta: number[] = [];
    const probe: number[] = [];
    const wholeProbe: number[] = [];
    const round: number[] = [];
    // The client's bucket digests (its work, outside the timings): the state, with the target as each round edits it.
    const desiredBuckets = manifestBucketsOf(state);
    let revision = (await inject(live, token, state.tenant, 'GET', '/v1/state/manifest')).json.revision as number;
    // Each kind in its own loop: a whole-state apply parses 8 MB and leaves
    // garbage that would be collected during, and charged to, the next write.
    settle();
    for (let i = 0; i < o.samples; i++) {
      const flags = state.flags.map((f) => (f === target ? edited(target, i) : f));
      const r = await inject(live, token, state.tenant, 'POST', '/v1/apply', { state: { ...toBody(state), flags }, base_revision: revision, commit: commit(i + 2), allow_delete: true });
      whole.push(r.ms);
      revision = r.json.revision as number;
    }
    settle();
    for (let i = 0; i < o.samples; i++) {
      // The CLI's apply: a manifest probe, then the delta (one flag).
      const next = edited(target, i + 1);
      desiredBuckets.set('flag', next.key, contentHash(next));
      wholeProbe.push((await inject(live, token, state.tenant, 'GET', '/v1/state/manifest')).ms);
      const m = await inject(live, token, state.tenant, 'POST', '/v1/state/manifest', { buckets: desiredBuckets.digestList() });
      probe.push(m.ms);
      const d = await inject(live, token, state.tenant, 'POST', '/v1/apply', {
        delta: { ...(state.name === undefined ? {} : { name: state.name }), environments: state.environments, upsert: { flags: [next], segments: [] }, delete: { flags: [], segments: [] } },
        base_revision: m.json.revision as number,
        commit: commit(i + 1000),
        allow_delete: true,
      });
      delta.push(d.ms);
      round.push(m.ms + d.ms);
    }
    return { flags: n, firstApply: timing(first), rawInsert: timing(raw), put: timing(put), applyWhole: timing(whole), applyDelta: timing(delta), manifest: timing(probe), applyRound: timing(round), wholeManifest: timing(wholeProbe) };
  } finally {
    await live.close();
  }
}

export async function runWritesBench(o: WritesOptions): Promise<TenantFigures[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-writes-'));
  try {
    const figures: TenantFigures[] = [];
    for (const size of o.sizes) {
      o.onStep?.(`generating ${size} flags`);
      const state = await generate(o.root, work, size, o.seed);
      o.onStep?.(`timing writes on ${state.flags.length} flags (${o.samples} samples each)`);
      figures.push(await measureTenant(state, work, o));
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
