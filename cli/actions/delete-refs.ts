import { inUseDeletions, markDeletionsReferenced, type CodeReference, type Plan } from '../../core/diff/index.js';
import { CliError } from '../errors.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderInUse } from '../render/refusal-detail.js';
import { findReferences } from './refs.js';

/**
 * The plan with each flag deletion that the code under `roots` still
 * references marked IN_USE_REFERENCED (ff refs' search, for the deleted keys
 * only). The server never sees the code: this risk is the CLI's to add and to
 * enforce.
 */
export async function markReferencedDeletions(plan: Plan, roots: readonly string[]): Promise<Plan> {
  const deleted = plan.changes.filter((c) => c.resource === 'flag' && c.action === 'delete').map((c) => c.key);
  if (roots.length === 0 || deleted.length === 0) return plan;
  const report = await findReferences({ roots: [...roots], flags: deleted, dir: '.' });
  const byFlag = new Map<string, CodeReference[]>();
  for (const r of report.references) {
    const list = byFlag.get(r.flag) ?? [];
    list.push({ file: r.file, line: r.line, text: r.text });
    byFlag.set(r.flag, list);
  }
  return markDeletionsReferenced(plan, byFlag);
}

/** Refuses (DELETES_IN_USE, with the evidence) a plan deleting a flag still in use. */
export function refuseDeletionsInUse(plan: Plan, colors: Palette): void {
  const inUse = inUseDeletions(plan);
  if (inUse.length === 0) return;
  throw new CliError('DELETES_IN_USE', messages.deletesInUse(inUse.length), renderInUse(inUse, colors));
}
