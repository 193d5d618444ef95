// The identity of a plan: which resources it creates, updates and deletes, and
// what each looks like before and after — not how the change is rendered
// (field paths, risks) nor the revision it was computed against (checked on
// its own, so a refusal can say which of the two moved). An apply that
// carries the hash of the plan a reviewer read is refused unless the server
// computes exactly that plan again.
import type { Plan } from '../model/schema-types.js';
import { contentHash } from './canonical.js';

/** `hashOf` must answer contentHash's value (the server passes its remembering documentHash). */
export function planHash(plan: Pick<Plan, 'tenant' | 'scope' | 'changes'>, hashOf: (doc: object) => string = contentHash): string {
  return contentHash({
    tenant: plan.tenant,
    environments: plan.scope.environments,
    changes: plan.changes.map((c) => [
      c.action,
      c.resource,
      c.key,
      c.before === undefined ? null : hashOf(c.before),
      c.after === undefined ? null : hashOf(c.after),
    ]),
  });
}
