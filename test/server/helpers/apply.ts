// Shared by the apply server tests (apply.test.ts, drift.test.ts): commits,
// apply bodies and what a test compares before and after an apply.
import { createHash } from 'node:crypto';
import { contentHash } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { Reply, TestServer } from './server.js';

export interface TestCommit {
  sha: string;
  author: string;
  email: string;
  message: string;
  branch: string;
  remote_url: string;
  committed_at: string;
  dirty: boolean;
}

let commits = 0;

/** A commit with a fresh 40-hex sha and every field the CLI sends. */
export function commit(message: string): TestCommit {
  commits++;
  const sha = createHash('sha1').update(`${commits}:${message}`).digest('hex');
  return {
    sha,
    author: 'Ada Lovelace',
    email: 'ada@example.com',
    message,
    branch: 'main',
    remote_url: 'git@github.com:example/flags.git',
    committed_at: '2026-11-21T10:00:00.000Z',
    dirty: false,
  };
}

/** The request body's `state`: a TenantState without its tenant (the header names it). */
export function desiredOf(state: TenantState): Omit<TenantState, 'tenant'> {
  const { tenant: _tenant, ...rest } = structuredClone(state);
  return rest;
}

/** A state as GET /v1/state returns it: flags and segments by key, environments in declaration order. */
export function asStored(state: TenantState): TenantState {
  const byKey = <T extends { key: string }>(list: T[]) => [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...structuredClone(state), flags: byKey(state.flags), segments: byKey(state.segments) };
}

export interface ApplyCall {
  base?: number;
  dryRun?: boolean;
  allowDelete?: boolean;
  environments?: string[] | null;
  commit?: TestCommit;
  tenant?: string;
  token?: string;
}

export function postApply(s: TestServer, state: TenantState, o: ApplyCall = {}): Promise<Reply> {
  const body: Record<string, unknown> = { state: desiredOf(state) };
  if (o.base !== undefined) body.base_revision = o.base;
  if (o.dryRun !== undefined) body.dry_run = o.dryRun;
  if (o.allowDelete !== undefined) body.allow_delete = o.allowDelete;
  if (o.environments !== undefined) body.environments = o.environments;
  if (o.commit !== undefined) body.commit = o.commit;
  return s.call('POST', '/v1/apply', {
    body,
    ...(o.tenant === undefined ? {} : { tenant: o.tenant }),
    ...(o.token === undefined ? {} : { token: o.token }),
  });
}

export interface Fingerprint {
  hash: string;
  revision: number;
  auditRows: number;
  revisionRows: number;
}

/** What must not move when an apply is refused: the state hash, the revision, the audit and revision rows. */
export async function fingerprint(s: TestServer, tenant = 'alpha', token?: string): Promise<Fingerprint> {
  const r = await s.call('GET', '/v1/state', { tenant, ...(token === undefined ? {} : { token }) });
  const count = async (table: string) => Number((await s.sql(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant = $1`, [tenant]))[0]?.n);
  return { hash: contentHash(r.json.state), revision: r.json.revision, auditRows: await count('audit'), revisionRows: await count('revisions') };
}

/**
 * Makes the database refuse to insert the flag `key` (a trigger raising an
 * error), on either store: a failure in the middle of a write. Returns the undo.
 */
export async function failInsertOfFlag(s: TestServer, key: string): Promise<() => Promise<void>> {
  if (s.app.ff.storeKind === 'postgres') {
    await s.sql(`CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.key = '${key}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await s.sql('CREATE TRIGGER inject_failure BEFORE INSERT ON flags FOR EACH ROW EXECUTE FUNCTION inject_failure()');
    return async () => {
      await s.sql('DROP TRIGGER IF EXISTS inject_failure ON flags');
      await s.sql('DROP FUNCTION IF EXISTS inject_failure()');
    };
  }
  await s.sql(`CREATE TRIGGER inject_failure BEFORE INSERT ON flags WHEN NEW.key = '${key}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
  return async () => void (await s.sql('DROP TRIGGER IF EXISTS inject_failure'));
}
