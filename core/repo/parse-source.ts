// One file of a flags repository, from text to positioned diagnostics: the
// YAML safety profile, then the file kind's JSON Schema. Pure (no I/O), so
// tests and `ff fmt` can use it on strings.
//
// The parsed YAML document is what turns a JSON pointer into line:column, but
// holding every document of a 10,000-flag repository costs hundreds of MB and
// slows the collector; it is kept only while the file's own diagnostics are
// placed, and re-parsed (deterministically, so at the same positions) in the
// rare case a later, cross-file check needs it.
//
// Most files of a repository are valid, and a valid file needs no position:
// the fast reader (core/yaml/fast-read.ts) gives its data at a fraction of
// parseYaml's cost, or declines. Only a file it declines, or whose data breaks
// the schema, is parsed with positions, exactly as before; so every
// diagnostic is the one parseYaml and the schema give, at the same place.
import type { Issue } from '../validation/issue.js';
import { schemaIssues } from '../validation/schema-check.js';
import type { Diagnostic } from '../validation/types.js';
import { fastReadYaml } from '../yaml/fast-read.js';
import { locatePointer } from '../yaml/locate.js';
import { parseYaml } from '../yaml/parse.js';
import type { ParsedYaml, YamlLimits } from '../yaml/parse.js';
import { diagnosticAt, diagnosticAtFileStart, rangeFields } from '../yaml/positions.js';

export type RepoFileKind = 'flags-file' | 'tenant';

export interface ParsedSource {
  /** The file's name as diagnostics show it. */
  file: string;
  kind: RepoFileKind;
  /** The data as read; undefined when YAML problems prevented reading it. Not necessarily schema-valid. */
  data: unknown;
  /** Schema violations, with pointers into `data`. */
  schemaIssues: Issue[];
  /** YAML and schema diagnostics, positioned in the file, in document order. */
  diagnostics: Diagnostic[];
  /** The parsed YAML (document and line counter), for placing further diagnostics. */
  yaml(): ParsedYaml;
}

function place(yaml: ParsedYaml, file: string, issue: Issue): Diagnostic {
  if (yaml.document === undefined) {
    return { ...diagnosticAtFileStart(issue.code, issue.message, file), path: issue.pointer };
  }
  const range = locatePointer(yaml.document, issue.pointer, issue.at);
  return diagnosticAt(issue.code, issue.message, file, yaml.lineCounter, range, issue.pointer);
}

/** The diagnostic for an issue about this file's data, placed at the node its pointer names. */
export function positionIssue(source: ParsedSource, issue: Issue): Diagnostic {
  return place(source.yaml(), source.file, issue);
}

/** Line and column fields of the node at `pointer` (file start when the file could not be parsed). */
export function locateInSource(
  source: ParsedSource,
  pointer: string,
  at: 'value' | 'key' = 'value',
): { line: number; column: number; endLine?: number; endColumn?: number } {
  const yaml = source.yaml();
  if (yaml.document === undefined) return { line: 1, column: 1 };
  return rangeFields(yaml.lineCounter, locatePointer(yaml.document, pointer, at)) as { line: number; column: number; endLine: number; endColumn: number };
}

/** "file:line:column" of the node at `pointer`, for messages that name a second place. */
export function describeLocation(source: ParsedSource, pointer: string): string {
  const yaml = source.yaml();
  if (yaml.document === undefined) return source.file;
  const { line, column } = rangeFields(yaml.lineCounter, locatePointer(yaml.document, pointer, 'value'));
  return `${source.file}:${line}:${column}`;
}

export function parseRepositorySource(text: string, file: string, kind: RepoFileKind, limits?: YamlLimits): ParsedSource {
  const fast = fastReadYaml(text, limits);
  if (fast !== undefined && schemaIssues(kind, fast.value).length === 0) {
    let later: ParsedYaml | undefined;
    return { file, kind, data: fast.value, schemaIssues: [], diagnostics: [], yaml: () => (later ??= parseYaml(text, file, limits)) };
  }
  return parseExactly(text, file, kind, limits);
}

/** The position-keeping path: parseYaml, then the schema, every diagnostic placed. */
function parseExactly(text: string, file: string, kind: RepoFileKind, limits?: YamlLimits): ParsedSource {
  const first = parseYaml(text, file, limits);
  let kept: ParsedYaml | undefined = first;
  const parsed: ParsedSource = {
    file,
    kind,
    data: undefined,
    schemaIssues: [],
    diagnostics: [...first.diagnostics],
    yaml: () => (kept ??= parseYaml(text, file, limits)),
  };
  if (first.ok) {
    parsed.data = first.value;
    if (first.empty && kind === 'flags-file') {
      parsed.diagnostics.push(diagnosticAtFileStart('YAML_EMPTY', 'file holds no flags or segments', file));
    } else {
      parsed.schemaIssues = schemaIssues(kind, first.value);
      for (const issue of parsed.schemaIssues) parsed.diagnostics.push(place(first, file, issue));
      parsed.diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    }
  }
  kept = undefined;
  return parsed;
}

/** A flags file (flags and segments) read from a string: YAML and schema diagnostics. */
export function parseFlagsSource(text: string, file: string, limits?: YamlLimits): ParsedSource {
  return parseRepositorySource(text, file, 'flags-file', limits);
}

/** A tenant.yaml read from a string: YAML and schema diagnostics. */
export function parseTenantSource(text: string, file: string, limits?: YamlLimits): ParsedSource {
  return parseRepositorySource(text, file, 'tenant', limits);
}
