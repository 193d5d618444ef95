import type { PgMigration } from '../migrate.js';
import { pg001Initial } from './001_initial.js';
import { pg002Usage } from './002_usage.js';
import { pg003AuditReason } from './003_audit_reason.js';
import { pg004Experiments } from './004_experiments.js';
import { pg005AuditForced } from './005_audit_forced.js';

/** Append-only: never edit a shipped migration, add the next one. */
export const PG_MIGRATIONS: readonly PgMigration[] = [pg001Initial, pg002Usage, pg003AuditReason, pg004Experiments, pg005AuditForced];
