// Consistency under load, on a 10,000-flag tenant. Three waves of 1,200 evaluations
// (a third of them bulk) run against two real server processes, and each wave
// is genuinely concurrent: every request is opened with its last body byte
// held back, and the wave is released only once all 1,200 are open on the
// servers at the same time (its last 100 only once the wave's first apply is
// visible on both, so each wave spans revisions by construction, not by
// timing). While each wave is being answered, 4 applies land
// (12 in all, each through replaceTenantState, the apply path, from this
// process: a third process on the shared database). Every state gives each of its
// changing flags a value that names the state and the flag (the other 9,980
// stay as they are, so each process updates its index incrementally), so each
// answer can be checked against the revision it reports: never a mix, and a
// bulk answer is entirely one revision. The same on both stores: one SQLite
// file, or one PostgreSQL database the processes follow through LISTEN/NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { holdRequest, type HeldResponse } from './helpers/held-request.js';
import { adminToken, buildLauncher, call, openWriter, startServer, type Server, type Writer } from './helpers/processes.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

/** Flags in the tenant; the first CHANGING of them change with every state. */
const TENANT_FLAGS = 10_000;
const FLAGS = 20;
const WAVES = 3;
const WAVE_SIZE = 1_200;
/** Applies land when this many answers of the wave are in (1: the wave's first apply, as soon as one answer is in). */
const APPLY_AFTER_ANSWERS = [1, WAVE_SIZE / 8, WAVE_SIZE / 4, WAVE_SIZE / 2];
/** Requests of each wave held until its first apply is visible on both servers. */
const TAIL = 100;
const APPLIES = WAVES * APPLY_AFTER_ANSWERS.length;

const valueOf = (state: number, flag: number) => `state-${state}/flag-${flag}`;
const CHANGING_KEYS = Array.from({ length: FLAGS }, (_, k) => `flag-${k}`);

/** State n: every flag k serves "state-n/flag-k" (and the off variant is never served). */
function stateNumber(n: number): TenantState {
  return {
    tenant: 'load',
    environments: [{ key: 'production' }],
    segments: [],
    flags: Array.from({ length: TENANT_FLAGS }, (_, k) => ({
      key: `flag-${k}`,
      type: 'string' as const,
      variants: { off: 'off', current: k < FLAGS ? valueOf(n, k) : 'unchanging' },
      offVariant: 'off',
      environments: { production: { enabled: true, default: { variant: 'current' } } },
    })),
  };
}

describe.each(storeMatrix())('consistency under load on the $store store: applies landing during concurrent evaluations', ({ store }) => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let dbPath: string;
  let servers: Server[];
  // One keep-alive agent per server, with a socket for every request of a
  // wave: nothing queues in the client, so the whole wave reaches the servers.
  const agents = [0, 1].map(() => new http.Agent({ keepAlive: true, maxSockets: WAVE_SIZE }));
  let token: string;
  /** revision → state number, filled as each apply returns (answers are checked once all have). */
  const stateAt = new Map<number, number>();
  let database: TestDatabase | undefined;
  /** One connection for all applies, so they land while the waves are in flight. */
  let writer: Writer;

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(tmpdir(), 'ff-live-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    dbPath = database?.url ?? path.join(dir, 'ff.db');
    writer = await openWriter(dbPath);
    const [first] = await writer.apply([stateNumber(0)]);
    stateAt.set(first?.revision as number, 0);
    const env = { ...(database ? { FF_DATABASE_URL: database.url } : { FF_DB_PATH: dbPath }), FF_SEED_DIR: path.join(dir, 'no-seed'), FF_LOG_LEVEL: 'warn' };
    servers = await Promise.all([startServer(launcher.main, 'A', env), startServer(launcher.main, 'B', env)]);
    token = await adminToken(['load']);
  });
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await writer?.close();
    await Promise.all((servers ?? []).map((s) => s.stop()));
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it('every answer is one revision’s: single and bulk, across two processes', { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    const seen = new Set<number>();
    /** Per wave: the revisions its answers reported, and how many requests were open at once. */
    const waveRevisions: Set<number>[] = [];
    const openAtOnce: number[] = [];
    let answers = 0;
    let applied = 0;

    // Applies overlap (one lands while another is still running), and the
    // store serializes them in any order: each remembers its own state number.
    const applyNext = async (): Promise<number> => {
      const n = ++applied;
      const [result] = await writer.apply([stateNumber(n)]);
      const revision = result?.revision as number;
      stateAt.set(revision, n);
      return revision;
    };
    /** Every answer, checked against its revision's state once every apply has returned. */
    const answered: { revision: number; flag: string; value: unknown; where: string }[] = [];
    const check = (revision: number, flag: string, value: unknown, where: string, revisions: Set<number>) => {
      answered.push({ revision, flag, value, where });
      seen.add(revision);
      revisions.add(revision);
    };
    const verify = (r: HeldResponse, bulk: boolean, where: string, revisions: Set<number>) => {
      if (bulk) {
        if (r.status !== 200 || r.json?.results?.length !== FLAGS) return void failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
        for (const result of r.json.results) check(r.json.revision, result.flag_key, result.value, where, revisions);
        // The per-result revision must be the response's.
        if (r.json.results.some((x: { revision: number }) => x.revision !== r.json.revision)) failures.push(`${where}: mixed revisions`);
      } else {
        if (r.status !== 200) return void failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
        check(r.json.revision, r.json.flag_key, r.json.value, where, revisions);
      }
      answers++;
    };

    /** Resolves once both servers answer at `revision` or a later one. */
    const visibleEverywhere = async (revision: number) => {
      for (const server of servers) {
        for (;;) {
          const probe = { flag_key: 'flag-0', context: { targetingKey: 'probe' }, environment: 'production' };
          const r = await call(server, 'POST', '/v1/evaluate', { token, tenant: 'load', body: probe });
          if (r.status === 200 && (r.json.revision as number) >= revision) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    };
    const latest = () => Math.max(...stateAt.keys());

    for (let wave = 0; wave < WAVES; wave++) {
      const revisions = new Set<number>();
      waveRevisions.push(revisions);
      // Each wave starts with both servers at the latest revision, so its
      // first answer reports that one (the wave's first apply starts only
      // once that answer is in).
      await visibleEverywhere(latest());
      const requests = Array.from({ length: WAVE_SIZE }, (_, j) => {
        const i = wave * WAVE_SIZE + j;
        const server = servers[i % 2] as Server;
        const bulk = i % 3 === 0;
        const headers = { authorization: `Bearer ${token}`, 'x-tenant-id': 'load' };
        const context = { targetingKey: `u${i}` };
        const body = bulk ? { context, environment: 'production', flag_keys: CHANGING_KEYS } : { flag_key: `flag-${i % FLAGS}`, context, environment: 'production' };
        const held = holdRequest(agents[i % 2] as http.Agent, server.url, bulk ? '/v1/evaluate/bulk' : '/v1/evaluate', headers, body);
        return { held, bulk, where: `wave ${wave} ${server.name} ${bulk ? 'bulk' : 'single'}` };
      });
      // Every request of the wave is now open on a server, none answerable yet.
      await Promise.all(requests.map((r) => r.held.sent));
      openAtOnce.push(requests.filter((r) => !r.held.answered()).length);

      let answeredInWave = 0;
      const answer = ({ held, bulk, where }: (typeof requests)[number]) =>
        held.release().then((r) => {
          verify(r, bulk, where, revisions);
          answeredInWave++;
          if (APPLY_AFTER_ANSWERS.slice(1).includes(answeredInWave)) return applyNext();
          return undefined;
        });
      // The tail of the wave stays held until the wave's first apply is
      // visible on both servers: so every wave spans at least two revisions,
      // however fast or slow the stores propagate (not left to timing).
      const head = requests.slice(0, WAVE_SIZE - TAIL);
      const tail = requests.slice(WAVE_SIZE - TAIL);
      let firstIn!: () => void;
      const firstAnswer = new Promise<void>((resolve) => (firstIn = resolve));
      const pending: Promise<unknown>[] = head.map((request) => answer(request).then(() => firstIn()));
      await firstAnswer;
      const revision = await applyNext(); // lands while the rest of the wave is being evaluated
      await visibleEverywhere(revision);
      pending.push(...tail.map((request) => answer(request)));
      await Promise.all(pending);
    }

    for (const { revision, flag, value, where } of answered) {
      const state = stateAt.get(revision);
      const k = Number(flag.replace('flag-', ''));
      if (state === undefined) failures.push(`${where}: unknown revision ${revision}`);
      else if (value !== valueOf(state, k)) failures.push(`${where}: revision ${revision} answered ${String(value)} for ${flag}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(openAtOnce.every((n) => n >= 1_000)).toBe(true);
    expect(applied).toBe(APPLIES);
    expect(answers).toBe(WAVES * WAVE_SIZE);
    // Not vacuous: every wave's answers spanned revisions (its first answer
    // came before its first apply, its tail after), so applies were picked up
    // while waves were in flight.
    expect(waveRevisions.every((r) => r.size >= 2)).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(WAVES + 1);
  });
});
