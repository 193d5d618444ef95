// Safe delete: a plan's flag deletions marked with what still uses the flag.
// The server knows usage and prerequisites, the CLI knows the code; each adds
// its risks to the same plan, and an apply refuses in-use deletions unless
// explicitly allowed. Risks are not part of plan_hash: adding them never
// makes a reviewed plan stale.
import type { TenantState } from '../model/index.js';
import type { Change, Evidence, Plan, Risk } from '../model/schema-types.js';

/** The codes that make a deletion "in use": refused without the explicit allowance. */
export const IN_USE_CODES: ReadonlySet<Risk['code']> = new Set(['IN_USE_EVALUATED', 'IN_USE_PREREQUISITE', 'IN_USE_REFERENCED']);

/** Evaluations of one flag in the window, by environment (what the usage table answers). */
export interface FlagUsageEvidence {
  evaluations: number;
  last_evaluated_at: string | null;
  environments: Readonly<Record<string, { evaluations: number; last_evaluated_at: string }>>;
}

export interface CodeReference {
  file: string;
  line: number;
  text: string;
}

/** How many references a risk carries (the count says how many there are in all). */
export const TOP_REFERENCES = 5;

const isFlagDelete = (c: Change) => c.resource === 'flag' && c.action === 'delete';

function withRisks(plan: Plan, add: (change: Change) => Risk[]): Plan {
  let touched = false;
  const changes = plan.changes.map((c) => {
    if (!isFlagDelete(c)) return c;
    const risks = add(c);
    if (risks.length === 0) return c;
    touched = true;
    // Computed again on every plan: replace, never duplicate, what an earlier pass added.
    const codes = new Set(risks.map((r) => r.code));
    return { ...c, risks: [...c.risks.filter((r) => !codes.has(r.code)), ...risks] };
  });
  return touched ? { ...plan, changes } : plan;
}

/**
 * Marks each flag deletion evaluated within the window (`usage`, over `days`
 * days) and each that a flag the plan keeps lists in its prerequisites in the
 * current state (`current`: the state the plan was computed against).
 */
export function markDeletionsInUse(plan: Plan, current: TenantState, usage: ReadonlyMap<string, FlagUsageEvidence>, days: number): Plan {
  const deleted = new Set(plan.changes.filter(isFlagDelete).map((c) => c.key));
  if (deleted.size === 0) return plan;
  const dependents = new Map<string, string[]>();
  for (const flag of current.flags) {
    if (deleted.has(flag.key)) continue;
    for (const p of flag.prerequisites ?? []) {
      if (!deleted.has(p.flag)) continue;
      const list = dependents.get(p.flag) ?? [];
      if (!list.includes(flag.key)) list.push(flag.key);
      dependents.set(p.flag, list);
    }
  }
  return withRisks(plan, (c) => {
    const risks: Risk[] = [];
    const used = usage.get(c.key);
    if (used !== undefined && used.evaluations > 0) {
      const evidence: Evidence = { days, evaluations: used.evaluations, environments: { ...used.environments } };
      if (used.last_evaluated_at !== null) evidence.last_evaluated_at = used.last_evaluated_at;
      risks.push({
        code: 'IN_USE_EVALUATED',
        message: `flag ${c.key} was evaluated ${used.evaluations} time(s) in the last ${days} day(s)${used.last_evaluated_at ? `, last at ${used.last_evaluated_at}` : ''}`,
        evidence,
      });
    }
    const by = dependents.get(c.key);
    if (by !== undefined) {
      const sorted = [...by].sort();
      risks.push({ code: 'IN_USE_PREREQUISITE', message: `flag ${c.key} is a prerequisite of ${sorted.join(', ')}`, evidence: { dependents: sorted } });
    }
    return risks;
  });
}

/** Marks each flag deletion whose key the code still references (`refs`: by flag key, in file order). */
export function markDeletionsReferenced(plan: Plan, refs: ReadonlyMap<string, readonly CodeReference[]>): Plan {
  return withRisks(plan, (c) => {
    const found = refs.get(c.key);
    if (found === undefined || found.length === 0) return [];
    const first = found[0] as CodeReference;
    return [
      {
        code: 'IN_USE_REFERENCED',
        message: `flag ${c.key} is referenced ${found.length} time(s) in code, first at ${first.file}:${first.line}`,
        evidence: { references: found.slice(0, TOP_REFERENCES).map((r) => ({ file: r.file, line: r.line, text: r.text })), reference_count: found.length },
      },
    ];
  });
}

/** The flag deletions of `plan` that carry one of `codes` (default: every in-use code), with those risks. */
export function inUseDeletions(plan: Plan, codes: ReadonlySet<Risk['code']> = IN_USE_CODES): { key: string; risks: Risk[] }[] {
  return plan.changes.flatMap((c) => {
    if (!isFlagDelete(c)) return [];
    const risks = c.risks.filter((r) => codes.has(r.code));
    return risks.length === 0 ? [] : [{ key: c.key, risks }];
  });
}
