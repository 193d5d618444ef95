import type { ApiKeyRow } from '../features/api-keys/api-key-store.js';

export interface IndexedKey {
  publicId: string;
  tenant: string;
  environment: string;
  verifier: Buffer;
  revoked: boolean;
}

/**
 * In-memory view of the API keys, so authenticating an evaluation never
 * touches SQLite. Replaced per tenant after each committed key change (and
 * when another process changed them, through the live index).
 */
export class ApiKeyIndex {
  private byId = new Map<string, IndexedKey>();

  lookup(publicId: string): IndexedKey | undefined {
    return this.byId.get(publicId);
  }

  /** Replaces everything (start-up). */
  loadAll(rows: readonly ApiKeyRow[]): void {
    const next = new Map<string, IndexedKey>();
    for (const r of rows) next.set(r.id, toIndexed(r));
    this.byId = next;
  }

  /** Replaces one tenant's keys; copy-on-write so a reader never sees a half-updated map. */
  loadTenant(tenant: string, rows: readonly ApiKeyRow[]): void {
    const next = new Map<string, IndexedKey>();
    for (const [id, k] of this.byId) if (k.tenant !== tenant) next.set(id, k);
    for (const r of rows) next.set(r.id, toIndexed(r));
    this.byId = next;
  }

  get size(): number {
    return this.byId.size;
  }
}

const toIndexed = (r: ApiKeyRow): IndexedKey => ({
  publicId: r.id,
  tenant: r.tenant,
  environment: r.environment,
  verifier: Buffer.from(r.verifier, 'hex'),
  revoked: r.revokedAt !== null,
});
