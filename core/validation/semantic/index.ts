// The semantic layer: checks that need more than one node, run on
// data that already passed the JSON Schemas.
import { checkDuplicateKeys } from './duplicates.js';
import { checkFlag } from './flag.js';
import { checkPrerequisites } from './prerequisites.js';
import { Findings } from './model.js';
import type { Describe, SemanticIssue, SemanticModel } from './model.js';
import { checkSegment } from './segment.js';

export type { Describe, Located, SemanticIssue, SemanticModel } from './model.js';

export function checkSemantics<O>(model: SemanticModel<O>, describe: Describe<O>): SemanticIssue<O>[] {
  const findings = new Findings<O>(describe);
  if (model.environments !== undefined) {
    checkDuplicateKeys(model.environments, 'ENVIRONMENT_DUPLICATE_KEY', 'environment', findings);
  }
  checkDuplicateKeys(model.flags, 'FLAG_DUPLICATE_KEY', 'flag', findings);
  checkDuplicateKeys(model.segments, 'SEGMENT_DUPLICATE_KEY', 'segment', findings);

  const conditionScope = {
    inSegment: false,
    segmentKeys: model.knownSegmentKeys ?? new Set(model.segments.map((s) => s.value.key)),
    unverifiedSegmentKeys: model.unverifiedSegmentKeys,
  };
  const environmentKeys = model.environments && new Set(model.environments.map((e) => e.value.key));
  for (const flag of model.flags) checkFlag(flag, { environmentKeys, conditions: conditionScope }, findings);
  checkPrerequisites(model.flags, findings, model.knownFlags);
  for (const segment of model.segments) checkSegment(segment, conditionScope, findings);
  return findings.issues;
}
