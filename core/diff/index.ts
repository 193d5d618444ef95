export { canonicalJson, canonicalize, contentHash, documentHash, rememberDocumentHash, semanticallyEqual } from './canonical.js';
export { diffValues } from './field-diff.js';
export { computePlan, diffFlag, planHasChanges, reordersEnvironments, scopeDesiredState } from './plan.js';
export type { PlanInput, ResourceKind } from './plan.js';
export { planHash } from './plan-hash.js';
export { flagRisks, shares } from './risks.js';
export type { Change, Commit, Drift, FieldChange, Plan, Risk } from '../model/schema-types.js';
export { IN_USE_CODES, TOP_REFERENCES, inUseDeletions, markDeletionsInUse, markDeletionsReferenced } from './in-use.js';
export type { CodeReference, FlagUsageEvidence } from './in-use.js';
