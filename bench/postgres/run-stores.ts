// The same writes, the same propagation and the same evaluation on SQLite and
// on PostgreSQL, in one run: every figure is measured through the real app
// (buildApp, every hook, auth, validation, the store) by Fastify's inject, so
// the store is the only difference. Propagation: two apps on one database
// (SQLite: one file, noticed by the file watch; PostgreSQL: one database,
// noticed by LISTEN/NOTIFY), from the write's start until the other app's
// index has swapped to the new revision.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Flag, TenantState } from '../../core/model/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { percentile } from '../live/percentile.js';
import { median } from '../lib/stats.js';
import { generate, inject, openApp, SECRET } from '../writes/run-writes.js';

export type Store = 'sqlite' | 'postgres';

export interface Timing {
  samples: number;
  medianMs: number;
  p99Ms: number;
}

export interface StoreFigures {
  store: Store;
  /** POST /v1/apply of every flag into an empty tenant (one sample per fresh database). */
  firstApply: Timing;
  /** PUT /v1/flags/{key} changing one flag. */
  put: Timing;
  /** POST /v1/apply of a one-flag delta. */
  applyDelta: Timing;
  /** Write start → the other app's index at the new revision, at `propagationFlags` flags. */
  propagation: Timing;
  /** POST /v1/evaluate through inject, requests per second. */
  evaluationsPerSecond: number;
}

export interface StoresOptions {
  root: string;
  /** Flags of the first apply (and of the tenant the other writes change). */
  flags: number;
  /** Flags of the tenant propagation is measured on. */
  propagationFlags: number;
  samples: number;
  firstApplies: number;
  evaluations: number;
  seed: number;
  /** A role that may CREATE DATABASE (each sample gets a fresh one). */
  postgresAdminUrl: string;
  onStep?: (message: string) => void;
}

/** Evaluation rounds per store, alternated: which store goes first changes every round. */
const EVALUATION_ROUNDS = 6;

const timing = (xs: number[]): Timing => ({ samples: xs.length, medianMs: median(xs), p99Ms: percentile(xs, 99) });
const commit = (i: number) => ({ sha: i.toString(16).padStart(40, '0'), message: `bench ${i}` });
const toBody = (state: TenantState) => ({ environments: state.environments, flags: state.flags, segments: state.segments });

interface Database {
  env: Record<string, string>;
  drop(): Promise<void>;
}

let databases = 0;

async function freshDatabase(store: Store, work: string, adminUrl: string): Promise<Database> {
  databases += 1;
  if (store === 'sqlite') {
    const dir = mkdtempSync(path.join(work, 'db-'));
    return { env: { FF_DB_PATH: path.join(dir, 'ff.db') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `ff_bench_${process.pid}_${databases}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { FF_DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}

const edited = (flag: Flag, i: number): Flag => ({ ...flag, description: `bench edit ${i % 2}` });

/** Resolves with the time `app`'s index reached `revision` of `tenant`. */
function whenIndexed(app: FastifyInstance, tenant: string, revision: number): Promise<number> {
  return new Promise((resolve) => {
    if ((app.ff.index.revision(tenant) ?? 0) >= revision) return resolve(performance.now());
    const off = app.ff.index.onSwap((swap) => {
      if (swap.tenant === tenant && swap.current.revision >= revision) {
        off();
        resolve(performance.now());
      }
    });
  });
}

async function measureStore(store: Store, state: TenantState, propagationState: TenantState, work: string, o: StoresOptions): Promise<Omit<StoreFigures, 'evaluationsPerSecond'>> {
  const token = await mintToken({ secret: SECRET, tenants: [state.tenant, propagationState.tenant], sub: 'bench' });
  const first: number[] = [];
  let kept: { app: FastifyInstance; db: Database } | undefined;
  for (let i = 0; i < o.firstApplies; i++) {
    if (kept) {
      await kept.app.close();
      await kept.db.drop();
    }
    const db = await freshDatabase(store, work, o.postgresAdminUrl);
    const app = await openApp(work, db.env);
    first.push((await inject(app, token, state.tenant, 'POST', '/v1/apply', { state: toBody(state), base_revision: 0, commit: commit(1), allow_delete: true })).ms);
    kept = { app, db };
  }
  const { app, db } = kept as { app: FastifyInstance; db: Database };
  try {
    const target = state.flags[Math.floor(state.flags.length / 2)] as Flag;
    const put: number[] = [];
    for (let i = 0; i < o.samples; i++) put.push((await inject(app, token, state.tenant, 'PUT', `/v1/flags/${target.key}?force=true`, edited(target, i))).ms);
    const delta: number[] = [];
    for (let i = 0; i < o.samples; i++) {
      const m = await inject(app, token, state.tenant, 'GET', '/v1/state/manifest');
      delta.push(
        (
          await inject(app, token, state.tenant, 'POST', '/v1/apply', {
            delta: { ...(state.name === undefined ? {} : { name: state.name }), environments: state.environments, upsert: { flags: [edited(target, i + 1)], segments: [] }, delete: { flags: [], segments: [] } },
            base_revision: m.json.revision as number,
            commit: commit(i + 1000),
            allow_delete: true,
          })
        ).ms,
      );
    }
    // Propagation: a second app on the same database, watching it.
    await inject(app, token, propagationState.tenant, 'POST', '/v1/apply', { state: toBody(propagationState), base_revision: 0, commit: commit(2), allow_delete: true });
    const other = await openApp(work, db.env);
    try {
      await other.watchers.start();
      const flag = propagationState.flags[Math.floor(propagationState.flags.length / 2)] as Flag;
      const propagation: number[] = [];
      for (let i = 0; i < o.samples; i++) {
        const t0 = performance.now();
        const r = await inject(app, token, propagationState.tenant, 'PUT', `/v1/flags/${flag.key}?force=true`, edited(flag, i));
        const revision = (r.json.meta as { revision: number }).revision;
        propagation.push((await whenIndexed(other, propagationState.tenant, revision)) - t0);
      }
      return { store, firstApply: timing(first), put: timing(put), applyDelta: timing(delta), propagation: timing(propagation) };
    } finally {
      await other.close();
    }
  } finally {
    await app.close();
    await db.drop();
  }
}

/**
 * Evaluation reads memory, so its rate must not depend on the store. Both
 * apps are open at once and measured in alternating rounds (the first of a
 * pair pays for the JIT and the garbage of the other): measured one store
 * after the other, the ratio followed the order, not the store.
 */
async function measureEvaluations(state: TenantState, work: string, o: StoresOptions): Promise<Record<Store, number>> {
  const token = await mintToken({ secret: SECRET, tenants: [state.tenant], sub: 'bench' });
  const opened: { store: Store; app: FastifyInstance; db: Database; rates: number[] }[] = [];
  try {
    for (const store of ['sqlite', 'postgres'] as const) {
      const db = await freshDatabase(store, work, o.postgresAdminUrl);
      const app = await openApp(work, db.env);
      opened.push({ store, app, db, rates: [] });
      await inject(app, token, state.tenant, 'POST', '/v1/apply', { state: toBody(state), base_revision: 0, commit: commit(1), allow_delete: true });
    }
    const target = state.flags[Math.floor(state.flags.length / 2)] as Flag;
    const body = { flag_key: target.key, environment: state.environments[0]?.key, context: { targetingKey: 'u1' } };
    const round = async (app: FastifyInstance) => {
      const started = performance.now();
      for (let i = 0; i < o.evaluations; i++) await inject(app, token, state.tenant, 'POST', '/v1/evaluate', body);
      return o.evaluations / ((performance.now() - started) / 1000);
    };
    for (const { app } of opened) await round(app); // warm-up, untimed
    for (let r = 0; r < EVALUATION_ROUNDS; r++) {
      for (const entry of r % 2 === 0 ? opened : [...opened].reverse()) entry.rates.push(await round(entry.app));
    }
    return Object.fromEntries(opened.map((e) => [e.store, median(e.rates)])) as Record<Store, number>;
  } finally {
    for (const { app, db } of opened) {
      await app.close();
      await db.drop();
    }
  }
}

export async function runStoresBench(o: StoresOptions): Promise<StoreFigures[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-stores-'));
  try {
    o.onStep?.(`generating ${o.flags} and ${o.propagationFlags} flags`);
    const state = await generate(o.root, work, o.flags, o.seed);
    const big = { ...(await generate(o.root, path.join(work, 'p'), o.propagationFlags, o.seed + 1)), tenant: 'propagation' };
    const writes: Omit<StoreFigures, 'evaluationsPerSecond'>[] = [];
    for (const store of ['sqlite', 'postgres'] as const) {
      o.onStep?.(`${store}: first apply ×${o.firstApplies}, ${o.samples} writes of each kind, propagation at ${o.propagationFlags} flags`);
      writes.push(await measureStore(store, state, big, work, o));
    }
    o.onStep?.(`evaluation: ${EVALUATION_ROUNDS} alternating rounds of ${o.evaluations} requests per store`);
    const rates = await measureEvaluations(state, work, o);
    return writes.map((w) => ({ ...w, evaluationsPerSecond: rates[w.store] }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
