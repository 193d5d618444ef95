import type { Plan } from '../../core/model/schema-types.js';

/** `--format json`: the plan document itself (schemas/plan.schema.json). */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
