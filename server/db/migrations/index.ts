import type { Migration } from '../migrate.js';
import { m001Initial } from './001_initial.js';
import { m002Drift } from './002_drift.js';
import { m003ContentHash } from './003_content_hash.js';
import { m004Usage } from './004_usage.js';
import { m005AuditReason } from './005_audit_reason.js';
import { m006Experiments } from './006_experiments.js';
import { m007AuditForced } from './007_audit_forced.js';

/** Append-only: never edit a shipped migration, add the next one. */
export const MIGRATIONS: readonly Migration[] = [m001Initial, m002Drift, m003ContentHash, m004Usage, m005AuditReason, m006Experiments, m007AuditForced];
