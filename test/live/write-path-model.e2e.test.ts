// The incremental write path, proved equal to a rebuild: random sequences of
// REST writes (create, update, archive, restore), segment edits, whole-state
// applies and delta applies, each sent to one of two server processes
// sharing one database (a SQLite file, or a PostgreSQL database the processes
// follow through LISTEN/NOTIFY). After each sequence, both processes' indexes —
// kept up to date incrementally, by their own writes and by catching up from
// the revisions log — must answer every flag, for a set of contexts, in every
// environment, exactly as an index built from scratch from the database.
// A write the model says is invalid (a flag using an archived segment, a
// segment still in use) must be refused and change nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, evaluateAll, toWire } from '../../core/engine/index.js';
import type { Flag, Segment, TenantState } from '../../core/model/index.js';
import { pino } from 'pino';
import { openStore, type OpenedStore } from '../../server/db/open-store.js';
import { readTenantState } from '../../server/features/state/read-state.js';
import { until } from './helpers/poll.js';
import { adminToken, buildLauncher, call, startServer, type Server } from './helpers/processes.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

const ENVIRONMENTS = ['staging', 'production'];
const FLAG_KEYS = ['f1', 'f2', 'f3'];
const SEGMENT_KEYS = ['s1', 's2'];
const USERS = ['u1', 'u2', 'u3', 'u4'];
const CONTEXTS = USERS.flatMap((targetingKey) => [{ targetingKey }, { targetingKey, plan: 'pro' }, {}]);

interface Doc<T> {
  doc: T;
  archived: boolean;
}

/** What the test believes the tenant holds. */
interface Model {
  flags: Map<string, Doc<Flag>>;
  segments: Map<string, Doc<Segment>>;
}

interface Real {
  servers: [Server, Server];
  tenant: string;
  token: string;
}

const active = <T>(m: Map<string, Doc<T>>) => [...m.values()].filter((d) => !d.archived).map((d) => d.doc);
const usedSegments = (flags: readonly Flag[]) =>
  new Set(flags.flatMap((f) => Object.values(f.environments ?? {}).flatMap((c) => (c?.rules ?? []).flatMap((r) => (r.conditions ?? []).map((x) => x.segment)))));
const activeSegmentKeys = (m: Model) => new Set(active(m.segments).map((s) => s.key));
/** A flag is valid when every segment it uses is active. */
const flagValid = (m: Model, flag: Flag) => [...usedSegments([flag])].every((s) => s === undefined || activeSegmentKeys(m).has(s));

const flagArb = (key: string): fc.Arbitrary<Flag> =>
  fc
    .record({
      envs: fc.subarray(ENVIRONMENTS),
      enabled: fc.boolean(),
      segment: fc.option(fc.constantFrom(...SEGMENT_KEYS), { nil: undefined }),
      split: fc.boolean(),
      target: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
      description: fc.constantFrom('a', 'b', 'c'),
    })
    .map(({ envs, enabled, segment, split, target, description }): Flag => ({
      key,
      description,
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      environments: Object.fromEntries(
        envs.map((env) => [
          env,
          {
            enabled,
            ...(target === undefined ? {} : { targets: { on: [target] } }),
            ...(segment === undefined ? {} : { rules: [{ id: 'seg', conditions: [{ segment }], serve: { variant: 'on' as const } }] }),
            default: split ? { rollout: { on: 50, off: 50 } } : { variant: 'off' },
          },
        ]),
      ),
    }));

const segmentArb = (key: string): fc.Arbitrary<Segment> =>
  fc
    .record({ include: fc.subarray(USERS, { minLength: 1 }), byPlan: fc.boolean() })
    .map(({ include, byPlan }): Segment => (byPlan ? { key, include, conditions: [{ attribute: 'plan', operator: 'equals', value: 'pro' }] } : { key, include }));

const serverIndex = fc.constantFrom(0 as const, 1 as const);

type Cmd = fc.AsyncCommand<Model, Real>;

async function expectWrite(status: number, valid: boolean, what: string, body: string): Promise<void> {
  if (valid) expect(status, `${what}: ${body}`).toBeLessThan(300);
  else expect([409, 422], `${what} should be refused: ${body}`).toContain(status);
}

class PutFlag implements Cmd {
  constructor(readonly at: 0 | 1, readonly flag: Flag) {}
  check = (m: Model) => m.flags.get(this.flag.key)?.archived !== true;
  async run(m: Model, r: Real) {
    const exists = m.flags.has(this.flag.key);
    const res = exists
      ? await call(r.servers[this.at], 'PUT', `/v1/flags/${this.flag.key}?force=true`, { token: r.token, tenant: r.tenant, body: this.flag, headers: { 'if-match': '*' } })
      : await call(r.servers[this.at], 'POST', '/v1/flags', { token: r.token, tenant: r.tenant, body: this.flag });
    const valid = flagValid(m, this.flag);
    await expectWrite(res.status, valid, this.toString(), res.text);
    if (valid) m.flags.set(this.flag.key, { doc: this.flag, archived: false });
  }
  toString = () => `PutFlag@${this.at}(${JSON.stringify(this.flag)})`;
}

class ArchiveOrRestoreFlag implements Cmd {
  constructor(readonly at: 0 | 1, readonly key: string) {}
  check = (m: Model) => m.flags.has(this.key);
  async run(m: Model, r: Real) {
    const held = m.flags.get(this.key) as Doc<Flag>;
    const res = held.archived
      ? await call(r.servers[this.at], 'POST', `/v1/flags/${this.key}/restore?force=true`, { token: r.token, tenant: r.tenant })
      : await call(r.servers[this.at], 'DELETE', `/v1/flags/${this.key}?force=true`, { token: r.token, tenant: r.tenant });
    const valid = !held.archived || flagValid(m, held.doc);
    await expectWrite(res.status, valid, this.toString(), res.text);
    if (valid) held.archived = !held.archived;
  }
  toString = () => `ArchiveOrRestoreFlag@${this.at}(${this.key})`;
}

class PutSegment implements Cmd {
  constructor(readonly at: 0 | 1, readonly segment: Segment) {}
  check = (m: Model) => m.segments.get(this.segment.key)?.archived !== true;
  async run(m: Model, r: Real) {
    const exists = m.segments.has(this.segment.key);
    const res = exists
      ? await call(r.servers[this.at], 'PUT', `/v1/segments/${this.segment.key}?force=true`, { token: r.token, tenant: r.tenant, body: this.segment, headers: { 'if-match': '*' } })
      : await call(r.servers[this.at], 'POST', '/v1/segments', { token: r.token, tenant: r.tenant, body: this.segment });
    await expectWrite(res.status, true, this.toString(), res.text);
    m.segments.set(this.segment.key, { doc: this.segment, archived: false });
  }
  toString = () => `PutSegment@${this.at}(${JSON.stringify(this.segment)})`;
}

class ArchiveOrRestoreSegment implements Cmd {
  constructor(readonly at: 0 | 1, readonly key: string) {}
  check = (m: Model) => m.segments.has(this.key);
  async run(m: Model, r: Real) {
    const held = m.segments.get(this.key) as Doc<Segment>;
    const res = held.archived
      ? await call(r.servers[this.at], 'POST', `/v1/segments/${this.key}/restore?force=true`, { token: r.token, tenant: r.tenant })
      : await call(r.servers[this.at], 'DELETE', `/v1/segments/${this.key}?force=true`, { token: r.token, tenant: r.tenant });
    // Archiving a segment an active flag uses would break that flag: refused.
    const valid = held.archived || !usedSegments(active(m.flags)).has(this.key);
    await expectWrite(res.status, valid, this.toString(), res.text);
    if (valid) held.archived = !held.archived;
  }
  toString = () => `ArchiveOrRestoreSegment@${this.at}(${this.key})`;
}

/** A whole desired state (active flags and segments, one flag replaced or dropped), as POST /v1/apply's `state` or as a delta. */
class Apply implements Cmd {
  constructor(
    readonly at: 0 | 1,
    readonly form: 'state' | 'delta',
    readonly flag: Flag,
    readonly drop: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const server = r.servers[this.at];
    const manifest = (await call(server, 'GET', '/v1/state/manifest', { token: r.token, tenant: r.tenant })).json as { revision: number };
    const flags = active(m.flags).filter((f) => f.key !== this.flag.key);
    if (!this.drop) flags.push(this.flag);
    const segments = active(m.segments);
    const environments = ENVIRONMENTS.map((key) => ({ key }));
    const delta = {
      environments,
      upsert: { flags: this.drop ? [] : [this.flag], segments: [] },
      delete: { flags: this.drop && m.flags.get(this.flag.key)?.archived === false ? [this.flag.key] : [], segments: [] },
    };
    const body = {
      ...(this.form === 'state' ? { state: { environments, flags, segments } } : { delta }),
      base_revision: manifest.revision,
      allow_delete: true,
      commit: { sha: 'a'.repeat(40) },
    };
    const res = await call(server, 'POST', '/v1/apply', { token: r.token, tenant: r.tenant, body });
    const valid = this.drop || flagValid(m, this.flag);
    await expectWrite(res.status, valid, this.toString(), res.text);
    if (!valid) return;
    // Dropping an archived flag changes nothing: archived rows are not part of the state an apply replaces.
    if (this.drop) {
      if (m.flags.get(this.flag.key)?.archived === false) m.flags.delete(this.flag.key);
    } else m.flags.set(this.flag.key, { doc: this.flag, archived: false });
  }
  toString = () => `Apply@${this.at}(${this.form}, ${this.drop ? `drop ${this.flag.key}` : JSON.stringify(this.flag)})`;
}

const putFlag = fc.tuple(serverIndex, fc.constantFrom(...FLAG_KEYS).chain(flagArb)).map(([at, flag]) => new PutFlag(at, flag));
const putSegment = fc.tuple(serverIndex, fc.constantFrom(...SEGMENT_KEYS).chain(segmentArb)).map(([at, segment]) => new PutSegment(at, segment));
// Writes twice as likely as archives and applies: a segment edit only says
// something when a flag already uses the segment.
const commands = [
  putFlag,
  putFlag,
  putSegment,
  putSegment,
  fc.tuple(serverIndex, fc.constantFrom(...FLAG_KEYS)).map(([at, key]) => new ArchiveOrRestoreFlag(at, key)),
  fc.tuple(serverIndex, fc.constantFrom(...SEGMENT_KEYS)).map(([at, key]) => new ArchiveOrRestoreSegment(at, key)),
  fc
    .tuple(serverIndex, fc.constantFrom('state' as const, 'delta' as const), fc.constantFrom(...FLAG_KEYS).chain(flagArb), fc.boolean())
    .map(([at, form, flag, drop]) => new Apply(at, form, flag, drop)),
];

/** Runs of the property on each store: fewer than the 60 it ran on SQLite alone, so both stores fit in about twice that time. */
const RUNS_PER_STORE = 40;

describe.each(storeMatrix())('the incremental write path equals a rebuild (two processes, one database) on the $store store', ({ store }) => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let servers: [Server, Server];
  let database: TestDatabase | undefined;
  /** The test's own connection to the servers' database, to read what they committed. */
  let opened: OpenedStore;
  const stores = () => opened.stores;
  let token: string;

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ff-model-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const dbPath = path.join(dir, 'ff.db');
    const env = { ...(database ? { FF_DATABASE_URL: database.url } : { FF_DB_PATH: dbPath }), FF_SEED_DIR: path.join(dir, 'no-seed') };
    const a = await startServer(launcher.main, 'A', env);
    const b = await startServer(launcher.main, 'B', env);
    servers = [a, b];
    opened = openStore({ databaseUrl: database?.url ?? null, dbPath }, pino({ level: 'silent' }));
    await opened.ready();
    token = await adminToken();
  }, 60_000);

  afterAll(async () => {
    await opened?.close();
    await Promise.all((servers ?? []).map((s) => s.stop()));
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  /** Both processes at the database's revision, answering as a snapshot built from scratch from the database. */
  async function assertEqualToRebuild(tenant: string): Promise<void> {
    const loaded = await readTenantState(stores(), tenant);
    if (!loaded) throw new Error(`tenant ${tenant} missing`);
    for (const env of ENVIRONMENTS) {
      const snapshot = buildSnapshot(loaded.state, env, loaded.revision);
      for (const context of CONTEXTS) {
        const expected = evaluateAll(snapshot, context).map((r) => toWire(r, loaded.revision));
        for (const server of servers) {
          const body = await until(`${server.name} at revision ${loaded.revision}`, async () => {
            const res = await call(server, 'POST', '/v1/evaluate/bulk', { token, tenant, body: { context, environment: env } });
            return res.json?.revision === loaded.revision ? res.json : undefined;
          }, 30_000);
          expect(body.results, `${server.name} ${env} ${JSON.stringify(context)}`).toStrictEqual(expected);
        }
      }
    }
  }

  it('after random sequences of REST writes, segment edits, applies and deletes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 20 }), async (cmds) => {
        const tenant = `model-${++run}`;
        const real: Real = { servers, tenant, token };
        const environments = ENVIRONMENTS.map((key) => ({ key }));
        const setup = await call(servers[0], 'POST', '/v1/apply', {
          token,
          tenant,
          body: { state: { environments, flags: [], segments: [] }, base_revision: 0, commit: { sha: 'b'.repeat(40) } },
        });
        expect(setup.status, setup.text).toBe(200);
        const model: Model = { flags: new Map(), segments: new Map() };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        await assertEqualToRebuild(tenant);
        // The database holds what the model says is active: accepted writes landed, refused ones changed nothing.
        const stored = (await readTenantState(stores(), tenant))?.state as TenantState;
        const keys = (docs: readonly { key: string }[]) => docs.map((d) => d.key).sort();
        expect(keys(stored.flags)).toStrictEqual(keys(active(model.flags)));
        expect(keys(stored.segments)).toStrictEqual(keys(active(model.segments)));
      }),
      { numRuns: RUNS_PER_STORE },
    );
  }, 240_000);
});
