import type { Flag } from '../../../core/model/index.js';
import { semanticallyEqual } from '../../../core/diff/index.js';
import type { DocumentKind } from '../documents/types.js';

/**
 * Which environments' evaluation (or config download) a document change can
 * alter: the change stream and the audit `environment` column use it.
 * A flag edit confined to `environments.<env>` touches only those envs;
 * anything else about a flag or segment touches all of them.
 */
export function affectedEnvironments(
  kind: DocumentKind,
  key: string,
  before: unknown,
  after: unknown,
  allEnvironments: readonly string[],
): string[] {
  if (kind === 'environment') return [key];
  // An experiment changes no answer; its environment is where its exposures change.
  if (kind === 'experiment') {
    const envs = new Set([before, after].flatMap((e) => (e === null ? [] : [(e as { environment: string }).environment])));
    return allEnvironments.filter((env) => envs.has(env));
  }
  if (kind === 'segment' || before === null || after === null) return [...allEnvironments];
  const b = before as Flag;
  const a = after as Flag;
  const { environments: be, ...bTop } = b;
  const { environments: ae, ...aTop } = a;
  if (!semanticallyEqual(bTop, aTop)) return [...allEnvironments];
  const keys = new Set([...Object.keys(be ?? {}), ...Object.keys(ae ?? {})]);
  return allEnvironments.filter((env) => keys.has(env) && !semanticallyEqual(be?.[env], ae?.[env]));
}
