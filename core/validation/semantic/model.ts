// What the semantic checks work on: shape-valid flags, segments and
// environments, each with the pointer it lives at and an opaque origin (the
// file it came from, for the repository loader; nothing, for a submitted state).
import type { Environment, Flag, Segment } from '../../model/index.js';
import type { PointerTarget } from '../../yaml/locate.js';
import { makeIssue } from '../issue.js';
import type { Issue } from '../issue.js';
import type { DiagnosticCode } from '../codes.js';

export interface Located<T, O> {
  value: T;
  /** JSON pointer of the value within its origin, e.g. /flags/3. */
  pointer: string;
  origin: O;
}

export interface SemanticModel<O> {
  /** Declared environments; undefined when unknown (then flag environments are not checked). */
  environments: Located<Environment, O>[] | undefined;
  flags: Located<Flag, O>[];
  segments: Located<Segment, O>[];
  /** Keys of segments that exist but failed shape validation: references to them are not "unknown". */
  unverifiedSegmentKeys: ReadonlySet<string>;
  /**
   * Every segment key of the tenant, when `segments` holds only some of them
   * (an incremental check of what a write changed); default: the keys of `segments`.
   */
  knownSegmentKeys?: ReadonlySet<string>;
  /**
   * Every flag of the tenant by key, when `flags` holds only some of them:
   * prerequisites resolve against these; default: `flags`.
   */
  knownFlags?: ReadonlyMap<string, Flag>;
}

export interface SemanticIssue<O> extends Issue {
  origin: O;
}

/** Renders where a node is, for messages that mention a second place ("first defined at …"). */
export type Describe<O> = (origin: O, pointer: string) => string;

/** Collects issues; one per check run, shared by the check functions. */
export class Findings<O> {
  readonly issues: SemanticIssue<O>[] = [];

  constructor(readonly describe: Describe<O>) {}

  add(origin: O, pointer: string, code: DiagnosticCode, message: string, at: PointerTarget = 'value'): void {
    this.issues.push({ ...makeIssue(code, message, pointer, at), origin });
  }
}
