// The postgres bench's report says, per store, whether the run met the
// propagation goal, instead of leaving the reader to compare p99 with it.
import { describe, expect, it } from 'vitest';
import { PROPAGATION_P99_GOAL_MS, propagationGoal } from '../../bench/postgres/report.js';

const timing = (p99Ms: number) => ({ samples: 40, medianMs: 1, p99Ms });

describe('the propagation goal cell', () => {
  it('says met at or under the goal and not met over it, for each store', () => {
    expect(PROPAGATION_P99_GOAL_MS).toBe(100);
    expect(propagationGoal(timing(34.5), timing(100))).toBe('p99 ≤ 100 ms: SQLite met, PostgreSQL met');
    expect(propagationGoal(timing(100.01), timing(250.5))).toBe('p99 ≤ 100 ms: SQLite not met, PostgreSQL not met');
  });
});
