import { generateApiKey, KEY_PREFIX } from '../../auth/api-key-format.js';
import { notFound, unprocessable } from '../../errors.js';
import type { Stores } from '../../stores.js';
import type { StateListener } from '../state/state-listener.js';
import type { WriteContext } from '../state/write-context.js';
import type { ApiKeyListQuery, ApiKeyRow } from './api-key-store.js';

/** What the API shows of a key: never the verifier, the secret only once. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  environment: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export const toView = (k: ApiKeyRow): ApiKeyView => ({
  id: k.id,
  prefix: `${KEY_PREFIX}${k.id}`,
  name: k.name,
  environment: k.environment,
  created_at: k.createdAt,
  created_by: k.createdBy,
  revoked_at: k.revokedAt,
  revoked_by: k.revokedBy,
});

export class ApiKeyService {
  constructor(
    private readonly stores: Stores,
    private readonly listener: StateListener,
  ) {}

  list(tenant: string, q: ApiKeyListQuery): Promise<ApiKeyRow[]> {
    return this.stores.apiKeys.list(tenant, q);
  }

  async get(tenant: string, id: string): Promise<ApiKeyRow> {
    const key = await this.stores.apiKeys.get(tenant, id);
    if (!key) throw notFound('API key');
    return key;
  }

  /** Returns the stored key and the plaintext, which exists nowhere else after this call. */
  create(ctx: WriteContext, tenant: string, input: { name: string; environment: string }): Promise<{ key: ApiKeyRow; plaintext: string }> {
    return this.stores.transaction(async () => {
      const env = (await this.stores.tenants.get(tenant)) ? await this.stores.environments.get(tenant, input.environment) : undefined;
      if (!env || env.archivedAt !== null) {
        throw unprocessable('SEMANTIC_VALIDATION_FAILED', 'unknown environment', [
          { code: 'UNKNOWN_ENVIRONMENT', message: 'no active environment with this key in the tenant', path: '/environment' },
        ]);
      }
      const generated = generateApiKey();
      await this.stores.apiKeys.insert({
        id: generated.publicId,
        tenant,
        environment: input.environment,
        name: input.name,
        verifier: generated.verifierHex,
        createdAt: ctx.now,
        createdBy: ctx.actor,
      });
      const key = await this.get(tenant, generated.publicId);
      await this.audit(ctx, tenant, key, 'create', null, toView(key));
      return { key, plaintext: generated.plaintext };
    }, tenant);
  }

  /** Revocation is permanent; revoking a revoked key changes nothing. */
  revoke(ctx: WriteContext, tenant: string, id: string): Promise<ApiKeyRow> {
    return this.stores.transaction(async () => {
      const before = await this.get(tenant, id);
      if (before.revokedAt !== null) return before;
      await this.stores.apiKeys.revoke(tenant, id, ctx.now, ctx.actor);
      const after = await this.get(tenant, id);
      await this.audit(ctx, tenant, after, 'revoke', toView(before), toView(after));
      return after;
    }, tenant);
  }

  private async audit(ctx: WriteContext, tenant: string, key: ApiKeyRow, action: 'create' | 'revoke', before: unknown, after: unknown): Promise<void> {
    await this.stores.tenants.bumpKeysVersion(tenant, ctx.now);
    await this.stores.audit.record({
      tenant,
      ts: ctx.now,
      actor: ctx.actor,
      source: ctx.source,
      environment: key.environment,
      resource: 'api_key',
      key: key.id,
      action,
      before,
      after,
      revision: null,
      commitSha: null,
      requestId: ctx.requestId,
      reason: ctx.reason ?? null,
      forced: false,
    });
    this.stores.afterCommit(() => this.listener.keysCommitted(tenant));
  }
}
