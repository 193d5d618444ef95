// Issue 5 item 4: consistency under load. While 12 applies land (each through
// replaceTenantState, the apply path, from this process: a third process on
// the shared file), 1,200 evaluations run against two real server processes,
// 100 in flight at a time. Every state gives every flag a value that names
// the state and the flag, so each answer can be checked against the revision
// it reports: never a mix, and a bulk answer is entirely one revision.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { adminToken, applyStates, buildLauncher, call, startServer, type Server } from './helpers/processes.js';

const FLAGS = 10;
const APPLIES = 12;
const WAVES = 12;
const IN_FLIGHT = 100;

const valueOf = (state: number, flag: number) => `state-${state}/flag-${flag}`;

/** State n: every flag k serves "state-n/flag-k" (and the off variant is never served). */
function stateNumber(n: number): TenantState {
  return {
    tenant: 'load',
    environments: [{ key: 'production' }],
    segments: [],
    flags: Array.from({ length: FLAGS }, (_, k) => ({
      key: `flag-${k}`,
      type: 'string' as const,
      variants: { off: 'off', current: valueOf(n, k) },
      offVariant: 'off',
      environments: { production: { enabled: true, default: { variant: 'current' } } },
    })),
  };
}

describe('consistency under load: applies landing during concurrent evaluations', () => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let dbPath: string;
  let servers: Server[];
  let token: string;
  /** revision → state number, filled as each apply returns (before any server can report it). */
  const stateAt = new Map<number, number>();

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(tmpdir(), 'ff-live-'));
    dbPath = path.join(dir, 'ff.db');
    const [first] = applyStates(dbPath, [stateNumber(0)]);
    stateAt.set(first?.revision as number, 0);
    const env = { FF_DB_PATH: dbPath, FF_SEED_DIR: path.join(dir, 'no-seed'), FF_LOG_LEVEL: 'warn' };
    servers = await Promise.all([startServer(launcher.main, 'A', env), startServer(launcher.main, 'B', env)]);
    token = await adminToken(['load']);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every answer is one revision’s: single and bulk, across two processes', async () => {
    const failures: string[] = [];
    const seen = new Set<number>();
    let answers = 0;

    const check = (revision: number, flag: string, value: unknown, where: string) => {
      const state = stateAt.get(revision);
      const k = Number(flag.replace('flag-', ''));
      if (state === undefined) failures.push(`${where}: unknown revision ${revision}`);
      else if (value !== valueOf(state, k)) failures.push(`${where}: revision ${revision} answered ${String(value)} for ${flag}`);
      seen.add(revision);
    };
    const one = async (i: number) => {
      const server = servers[i % 2] as Server;
      const flag = `flag-${i % FLAGS}`;
      if (i % 3 === 0) {
        const r = await call(server, 'POST', '/v1/evaluate/bulk', { token, tenant: 'load', body: { context: { targetingKey: `u${i}` }, environment: 'production' } });
        if (r.status !== 200 || r.json.results.length !== FLAGS) return void failures.push(`${server.name} bulk: ${r.status} ${r.text.slice(0, 200)}`);
        for (const result of r.json.results) check(r.json.revision, result.flag_key, result.value, `${server.name} bulk`);
        // The per-result revision must be the response's.
        if (r.json.results.some((x: { revision: number }) => x.revision !== r.json.revision)) failures.push(`${server.name} bulk: mixed revisions`);
      } else {
        const r = await call(server, 'POST', '/v1/evaluate', { token, tenant: 'load', body: { flag_key: flag, context: { targetingKey: `u${i}` }, environment: 'production' } });
        if (r.status !== 200) return void failures.push(`${server.name} single: ${r.status} ${r.text.slice(0, 200)}`);
        check(r.json.revision, r.json.flag_key, r.json.value, `${server.name} single`);
      }
      answers++;
    };

    let applied = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      // Launch a wave, land an apply while it is in flight, then let the wave finish.
      const inFlight = Array.from({ length: IN_FLIGHT }, (_, j) => one(wave * IN_FLIGHT + j));
      if (applied < APPLIES) {
        applied++;
        const [result] = applyStates(dbPath, [stateNumber(applied)]);
        stateAt.set(result?.revision as number, applied);
      }
      await Promise.all(inFlight);
    }

    expect(failures.slice(0, 10)).toEqual([]);
    expect(applied).toBe(APPLIES);
    expect(answers).toBe(WAVES * IN_FLIGHT);
    // Not vacuous: the answers spanned many revisions, not one before and one after.
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});
