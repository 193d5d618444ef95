import type { ApplyResponse } from '../http/api-types.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderPlanText } from './plan-text.js';

/**
 * The outcome of `ff apply`: what changed (the plan the server applied,
 * unless it was already shown before asking) and the revision it made.
 */
export function renderApplyResult(tenant: string, response: ApplyResponse, colors: Palette, planShown: boolean): string {
  if (!response.applied) return `${messages.appliedNothing(tenant, response.revision)}\n`;
  const plan = planShown ? '' : `${renderPlanText(response.plan, colors)}\n`;
  return `${plan}${colors.green(colors.bold(messages.applied(tenant, response.previous_revision, response.revision)))}\n`;
}
