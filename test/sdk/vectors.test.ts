// The engine's evaluation vectors (test/engine/vectors.json) replayed through
// the SDK: bootstrapped from a configuration document, as GET /v1/config
// serves one, every case gives the engine's answer. The vector file also
// holds definitions that are deliberately broken (to test the engine's
// GENERAL and never-matching paths); the SDK validates what it loads, so a
// document holding those is refused, and the cases of the rest are replayed.
import { describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { validateTenantState } from '../../core/validation/index.js';
import { FfClient, type ClientEvents } from '../../sdk/src/index.js';
import { documentFromState } from '../../sdk/src/config-document.js';
import { REVISION, vectorFile, vectorState } from '../engine/vector-table.js';

/** The vector state without the flags and segments the validator rejects. */
function validSubset(state: TenantState): TenantState {
  let current = state;
  for (;;) {
    const errors = validateTenantState(current).filter((d) => d.severity === 'error');
    if (errors.length === 0) return current;
    const badFlags = new Set<number>();
    const badSegments = new Set<number>();
    for (const d of errors) {
      const m = /^\/(flags|segments)\/(\d+)/.exec(d.path ?? '');
      if (m === null) throw new Error(`unexpected diagnostic ${d.code} at ${d.path}`);
      (m[1] === 'flags' ? badFlags : badSegments).add(Number(m[2]));
    }
    current = { ...current, flags: current.flags.filter((_, i) => !badFlags.has(i)), segments: current.segments.filter((_, i) => !badSegments.has(i)) };
  }
}

const valid = validSubset(vectorState);
const kept = new Set(valid.flags.map((f) => f.key));
// A case without a moment is the engine's alone: the SDK always resolves schedules at its clock.
const scheduled = (key: string) => JSON.stringify(vectorState.flags.find((f) => f.key === key) ?? {}).includes('"schedule"');
const cases = vectorFile.cases.filter((c) => (c.at !== undefined || !scheduled(c.flag)) && (kept.has(c.flag) || !vectorState.flags.some((f) => f.key === c.flag)));

const clients = new Map<string, FfClient>();
/** One client per environment and moment; a case's moment is the client's clock. */
function clientFor(environment: string, at: string | undefined): FfClient {
  const id = `${environment}@${at ?? ''}`;
  let c = clients.get(id);
  if (c === undefined) {
    const moment = at === undefined ? Date.now() : Date.parse(at);
    c = new FfClient({ bootstrap: { config: documentFromState(valid, environment, REVISION) }, clock: () => moment });
    clients.set(id, c);
  }
  return c;
}

describe('the engine vectors through the SDK', () => {
  it('replays most of the vectors (all but the deliberately broken definitions)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(vectorFile.cases.length - cases.length).toBeLessThan(15);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, vector) => {
    const c = clientFor(vector.environment, vector.at);
    expect(c.status).toBe('READY');
    const result = c.evaluate(vector.flag, vector.context as never);
    expect({ value: result.value, variant: result.variant, reason: result.reason, ruleId: result.ruleId, errorCode: result.errorCode, bucket: result.bucket }).toStrictEqual({
      value: vector.expect.value,
      variant: vector.expect.variant,
      reason: vector.expect.reason,
      ruleId: vector.expect.ruleId,
      errorCode: vector.expect.errorCode,
      bucket: vector.expect.bucket,
    });
    expect(c.revision).toBe(REVISION);
  });

  it('refuses the whole vector state, broken definitions included, as an invalid configuration', async () => {
    const errors: ClientEvents['error'][] = [];
    const c = new FfClient({ bootstrap: { state: vectorState, environment: 'production' } });
    c.on('error', (e) => errors.push(e));
    expect(c.status).toBe('NOT_READY');
    await Promise.resolve();
    expect(errors.map((e) => e.error.code)).toEqual(['INVALID_CONFIG']);
    expect(errors[0]!.error.message).toMatch(/VARIANT_UNKNOWN|SEGMENT_UNKNOWN|REGEX_TOO_LONG/);
  });
});
