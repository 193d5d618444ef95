import type { TenantState } from '../../../core/model/index.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind } from '../documents/types.js';
import { storeOf } from './store-of.js';
import type { RowsByKind } from './tenant-snapshot.js';

const FIELDS: [DocumentKind, 'environments' | 'flags' | 'segments'][] = [
  ['environment', 'environments'],
  ['segment', 'segments'],
  ['flag', 'flags'],
];

/**
 * After a whole-tenant replace every resource the files declare equals them,
 * including those it did not need to write: one changed outside Git and then
 * changed back is no longer drift. Forget their drift. Bookkeeping only:
 * ownership stays (a resource becomes Git's when an apply writes it), no
 * revision, no audit row — nothing any evaluation sees has changed.
 */
export function clearDriftOfUnchanged(
  stores: Stores,
  tenant: string,
  desired: TenantState,
  rows: RowsByKind,
  written: ReadonlySet<string>,
): void {
  for (const [kind, field] of FIELDS) {
    const store = storeOf(stores, kind);
    for (const doc of desired[field]) {
      if (written.has(`${kind}:${doc.key}`)) continue;
      const row = rows[kind].get(doc.key);
      if (!row || row.archivedAt !== null || row.drift === null) continue;
      store.setOwnership(tenant, doc.key, { managedBy: row.managedBy, gitCommit: row.gitCommit, drift: null });
    }
  }
}
