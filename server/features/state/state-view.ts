import type { TenantState } from '../../../core/model/index.js';
import type { DocumentKind, ManagedBy } from '../documents/types.js';
import type { TenantSnapshot } from './tenant-snapshot.js';

export interface ResourceMeta {
  managed_by: ManagedBy;
  git_commit: string | null;
  /** Present when the resource was changed outside Git since the last apply. */
  drift?: { source: string; actor: string; at: string };
}

/** The 200 body of GET /v1/state. */
export interface StateView {
  tenant: string;
  revision: number;
  state: TenantState;
  /** Active resources by `<kind>:<key>` (e.g. `flag:checkout`). */
  resources: Record<string, ResourceMeta>;
}

const KINDS: DocumentKind[] = ['environment', 'segment', 'flag', 'experiment'];

export function toStateView(snapshot: TenantSnapshot): StateView {
  const resources: Record<string, ResourceMeta> = {};
  for (const kind of KINDS) {
    for (const row of snapshot.rows[kind].values()) {
      if (row.archivedAt !== null) continue;
      const meta: ResourceMeta = { managed_by: row.managedBy, git_commit: row.gitCommit };
      if (row.drift) meta.drift = { ...row.drift };
      resources[`${kind}:${row.key}`] = meta;
    }
  }
  return { tenant: snapshot.tenant, revision: snapshot.revision, state: snapshot.state, resources };
}
