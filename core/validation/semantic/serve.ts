// What a rule or a default serves: exactly one of a variant or a rollout,
// naming only declared variants, with weights that are not all zero.
import type { Serve } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { closest } from '../suggest.js';
import type { Findings } from './model.js';

export function unknownVariantMessage(name: string, variants: ReadonlySet<string>): string {
  const guess = closest(name, [...variants]);
  const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : `; variants: ${[...variants].join(', ')}`;
  return `unknown variant "${name}"${hint}`;
}

export function checkServe<O>(serve: Serve, at: string, origin: O, variants: ReadonlySet<string>, findings: Findings<O>): void {
  const hasVariant = serve.variant !== undefined;
  const hasRollout = serve.rollout !== undefined;
  if (hasVariant && hasRollout) {
    findings.add(origin, at, 'SERVE_VARIANT_AND_ROLLOUT', 'serve either a variant or a rollout, not both');
  } else if (!hasVariant && !hasRollout) {
    findings.add(origin, at, 'SERVE_NOTHING', 'serve needs a variant or a rollout');
  }
  if (hasVariant && !variants.has(serve.variant as string)) {
    findings.add(origin, pointer(at, 'variant'), 'VARIANT_UNKNOWN', unknownVariantMessage(serve.variant as string, variants));
  }
  if (serve.rollout !== undefined) {
    let total = 0;
    for (const [name, weight] of Object.entries(serve.rollout)) {
      if (!variants.has(name)) {
        findings.add(origin, pointer(at, 'rollout', name), 'VARIANT_UNKNOWN', unknownVariantMessage(name, variants), 'key');
      }
      total += weight ?? 0;
    }
    if (total <= 0) {
      findings.add(origin, pointer(at, 'rollout'), 'ROLLOUT_ALL_ZERO', 'rollout weights are all zero: give at least one variant a positive weight');
    }
  }
  if (serve.bucketBy !== undefined && !hasRollout) {
    findings.add(origin, pointer(at, 'bucketBy'), 'SERVE_BUCKET_BY_IGNORED', 'bucketBy only applies to a rollout', 'key');
  }
}
