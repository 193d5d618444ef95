// The two engine workloads and their user population, defined once so every
// engine sees the same users and the sanity lines can say what to expect.
//
// Workload A: boolean flag; rule `plan == enterprise` → on,
// otherwise a 25% rollout on the targeting key; users user-0…user-(N-1), every
// 10th on plan enterprise. Expected share on: 0.1 + 0.9 × 0.25 = 32.5%.
//
// Workload B: a string flag with a segment, 5 rules and a 3-way split:
//   1. country in [KP, IR, CU, SY]                       → control
//   2. appVersion semver < 4.0.0                         → control
//   3. email ends with "@acme.com"                       → treatment-a
//   4. in segment beta-users (country in [US, CA, GB]
//      and accountAgeDays ≥ 30)                          → treatment-b
//   5. plan == enterprise and seats ≥ 100                → treatment-a
//   otherwise a 34/33/33 split control/treatment-a/treatment-b on the targeting key.

export type WorkloadId = 'A' | 'B';

export interface BenchUser {
  key: string;
  plan: string;
  country: string;
  appVersion: string;
  email: string;
  accountAgeDays: number;
  seats: number;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  flagKey: string;
  outcomes: readonly string[];
}

export const WORKLOADS: Record<WorkloadId, Workload> = {
  A: {
    id: 'A',
    title: 'boolean: plan == enterprise → on, else 25% rollout',
    flagKey: 'bench-a',
    outcomes: ['on', 'off'],
  },
  B: {
    id: 'B',
    title: 'string: segment + 5 rules + 34/33/33 split',
    flagKey: 'bench-b',
    outcomes: ['control', 'treatment-a', 'treatment-b'],
  },
};

export const BLOCKED_COUNTRIES = ['KP', 'IR', 'CU', 'SY'];
export const BETA_COUNTRIES = ['US', 'CA', 'GB'];
export const SPLIT_WEIGHTS = { control: 34, 'treatment-a': 33, 'treatment-b': 33 } as const;
export const ROLLOUT_ON_PERCENT = 25;

// Moduli are pairwise coprime so attributes do not line up with each other.
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'KP', 'BR', 'JP', 'IN', 'IR', 'AU', 'NL', 'ES'];
const VERSIONS = ['3.9.2', '4.0.0', '4.2.1', '5.0.0', '3.1.0', '4.10.3', '5.1.0'];
const OTHER_PLANS = ['free', 'pro', 'business'];

export function benchUser(i: number): BenchUser {
  return {
    key: `user-${i}`,
    plan: i % 10 === 0 ? 'enterprise' : OTHER_PLANS[i % 3]!,
    country: COUNTRIES[i % 13]!,
    appVersion: VERSIONS[i % 7]!,
    email: i % 17 === 0 ? `u${i}@acme.com` : `u${i}@mail.example`,
    accountAgeDays: (i * 7) % 61,
    seats: (i % 11) * 20,
  };
}

export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => benchUser(i));
}

/** Workload B's rules in plain code: the variant a rule decides, or undefined when the split does. */
export function workloadBRuleOutcome(u: BenchUser): string | undefined {
  if (BLOCKED_COUNTRIES.includes(u.country)) return 'control';
  if (versionLessThan(u.appVersion, '4.0.0')) return 'control';
  if (u.email.endsWith('@acme.com')) return 'treatment-a';
  if (BETA_COUNTRIES.includes(u.country) && u.accountAgeDays >= 30) return 'treatment-b';
  if (u.plan === 'enterprise' && u.seats >= 100) return 'treatment-a';
  return undefined;
}

function versionLessThan(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  return false;
}

/**
 * The share of users each outcome should get: rule-decided users exactly, the rest
 * by the split's weights. Each engine hashes differently, so its observed share of
 * the split part differs from this by sampling noise only (±0.1% at 1M users).
 */
export function expectedShares(workload: WorkloadId, users: readonly BenchUser[]): Record<string, number> {
  const n = users.length;
  if (workload === 'A') {
    const enterprise = users.filter((u) => u.plan === 'enterprise').length;
    const on = enterprise + (n - enterprise) * (ROLLOUT_ON_PERCENT / 100);
    return { on: on / n, off: 1 - on / n };
  }
  const decided: Record<string, number> = { control: 0, 'treatment-a': 0, 'treatment-b': 0 };
  let split = 0;
  for (const u of users) {
    const outcome = workloadBRuleOutcome(u);
    if (outcome === undefined) split++;
    else decided[outcome] = (decided[outcome] ?? 0) + 1;
  }
  const total = SPLIT_WEIGHTS.control + SPLIT_WEIGHTS['treatment-a'] + SPLIT_WEIGHTS['treatment-b'];
  return Object.fromEntries(
    Object.entries(SPLIT_WEIGHTS).map(([variant, weight]) => [variant, ((decided[variant] ?? 0) + (split * weight) / total) / n]),
  );
}
