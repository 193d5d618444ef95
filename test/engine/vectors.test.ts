import { describe, expect, it } from 'vitest';
import { evaluate, toWire } from '../../core/engine/index.js';
import type { Reason } from '../../core/engine/index.js';
import { REVISION, snapshotFor, vectorFile } from './vector-table.js';

describe('evaluation vectors (test/engine/vectors.json)', () => {
  it('has at least 80 cases with unique names', () => {
    expect(vectorFile.cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(vectorFile.cases.map((c) => c.name)).size).toBe(vectorFile.cases.length);
  });

  it.each(vectorFile.cases.map((c) => [c.name, c] as const))('%s', (_name, vector) => {
    const result = evaluate(snapshotFor(vector.environment, vector.at), vector.flag, vector.context);
    expect({
      value: result.value,
      variant: result.variant,
      reason: result.reason,
      ruleId: result.ruleId,
      errorCode: result.errorCode,
    }).toStrictEqual({
      value: vector.expect.value,
      variant: vector.expect.variant,
      reason: vector.expect.reason,
      ruleId: vector.expect.ruleId,
      errorCode: vector.expect.errorCode,
    });
    // A bucket is reported exactly when a rollout decided.
    expect(result.bucket).toBe(vector.expect.bucket);
    expect(result.flagKey).toBe(vector.flag);
    expect(typeof result.errorMessage === 'string').toBe(result.reason === 'ERROR');
  });

  it('covers every reason the engine produces, and never STATIC', () => {
    const reasons = new Set(vectorFile.cases.map((c) => c.expect.reason));
    const produced: Reason[] = ['DEFAULT', 'TARGETING_MATCH', 'SPLIT', 'DISABLED', 'ERROR', 'PREREQUISITE_FAILED'];
    expect([...reasons].sort()).toStrictEqual([...produced].sort());
    const errorCodes = new Set(vectorFile.cases.map((c) => c.expect.errorCode).filter(Boolean));
    expect([...errorCodes].sort()).toStrictEqual(['FLAG_NOT_FOUND', 'GENERAL', 'INVALID_CONTEXT', 'TARGETING_KEY_MISSING']);
  });

  it('covers every operator', () => {
    const used = new Set<string>();
    const visit = (conditions: { operator?: string }[] | undefined): void => {
      for (const c of conditions ?? []) if (c.operator !== undefined) used.add(c.operator);
    };
    for (const flag of vectorFile.flags) {
      for (const env of Object.values(flag.environments ?? {})) for (const rule of env?.rules ?? []) visit(rule.conditions);
    }
    for (const segment of vectorFile.segments) visit(segment.conditions);
    expect([...used].sort()).toStrictEqual(
      [
        'equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches',
        'lt', 'lte', 'gt', 'gte', 'semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte',
        'before', 'after', 'exists', 'in_cidr', 'semver_range',
      ].sort(),
    );
  });

  it('renders every vector to the wire shape without losing anything', () => {
    for (const vector of vectorFile.cases) {
      const result = evaluate(snapshotFor(vector.environment, vector.at), vector.flag, vector.context);
      const wire = toWire(result, REVISION);
      expect(wire.flag_key).toBe(result.flagKey);
      expect(wire.value).toStrictEqual(result.value);
      expect(wire.variant).toBe(result.variant);
      expect(wire.reason).toBe(result.reason);
      expect(wire.rule_id).toBe(result.ruleId);
      expect(wire.error_code).toBe(result.errorCode);
      expect(wire.details.bucket).toBe(result.bucket);
      expect(wire.revision).toBe(REVISION);
      expect(JSON.parse(JSON.stringify(wire))).toStrictEqual(wire);
    }
  });
});
