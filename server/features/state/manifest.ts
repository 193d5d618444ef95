import type { StateManifest } from '../../../core/model/schema-types.js';
import type { Stores } from '../../stores.js';

const ATTEMPTS = 5;

/**
 * GET /v1/state/manifest: the revision and every active document's content
 * hash, so `ff plan` and `ff apply` learn the revision and send only what
 * differs instead of downloading (or uploading) the whole state. Read from
 * the hash columns alone (no document is parsed), consistently (the revision
 * did not move across the reads), and kept serialized per tenant revision.
 */
export class ManifestService {
  private readonly cache = new Map<string, { revision: number; body: string }>();

  constructor(private readonly stores: Stores) {}

  /** The manifest as JSON text. */
  manifest(tenant: string): string {
    const revision = this.stores.tenants.get(tenant)?.revision ?? 0;
    const cached = this.cache.get(tenant);
    if (cached && cached.revision === revision) return cached.body;
    let manifest = this.read(tenant);
    for (let i = 1; i < ATTEMPTS && (this.stores.tenants.get(tenant)?.revision ?? 0) !== manifest.revision; i++) manifest = this.read(tenant);
    const body = JSON.stringify(manifest);
    this.cache.set(tenant, { revision: manifest.revision, body });
    return body;
  }

  private read(tenant: string): StateManifest {
    const revision = this.stores.tenants.get(tenant)?.revision ?? 0;
    return {
      tenant,
      revision,
      environments: this.stores.environments.activeHashes(tenant),
      flags: this.stores.flags.activeHashes(tenant),
      segments: this.stores.segments.activeHashes(tenant),
    };
  }
}
