// Reading one YAML source with the safe profile: size cap, depth cap (on the
// CST, before anything recursive runs), a single document, the core schema, no
// merge keys or custom tags, bounded aliases. Every problem becomes a
// Diagnostic with a code and a position; nothing throws.
import { Composer, LineCounter, Parser } from 'yaml';
import type { CST, Document } from 'yaml';
import type { DiagnosticCode } from '../validation/codes.js';
import type { Diagnostic } from '../validation/types.js';
import { checkDocumentNodes } from './ast-checks.js';
import { extraDocumentOffsets, findTooDeep, yamlDirectiveOffset } from './cst-checks.js';
import {
  DEFAULT_MAX_ALIAS_EXPANSION,
  DEFAULT_MAX_ALIASES,
  DEFAULT_MAX_DEPTH,
  NON_PRINTABLE,
  DEFAULT_MAX_FILE_BYTES,
} from './limits.js';
import { diagnosticAt, diagnosticAtFileStart } from './positions.js';
import type { SourceRange } from './positions.js';
import { COMPOSE_OPTIONS, toJsOptions } from './profile.js';

export interface YamlLimits {
  maxFileBytes?: number;
  maxDepth?: number;
  maxAliases?: number;
  maxAliasExpansion?: number;
}

export interface ParsedYaml {
  file: string;
  /** Filled while parsing; turns offsets into line/column for later diagnostics too. */
  lineCounter: LineCounter;
  /** The composed document; absent when the source was refused before composing (too large, too deep). */
  document: Document.Parsed | undefined;
  /** The document as plain data when `ok`; undefined otherwise. An empty document is null. */
  value: unknown;
  /** No error diagnostics: `value` can be used. */
  ok: boolean;
  /** The source holds no content (only comments, or nothing). */
  empty: boolean;
  diagnostics: Diagnostic[];
}

const YAML_ERROR_CODES: Readonly<Record<string, DiagnosticCode>> = {
  DUPLICATE_KEY: 'YAML_DUPLICATE_KEY',
  NON_STRING_KEY: 'YAML_COMPLEX_KEY',
  TAG_RESOLVE_FAILED: 'YAML_TAG',
};

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function describeYamlError(code: DiagnosticCode, message: string): string {
  if (code === 'YAML_DUPLICATE_KEY') return 'duplicate key: each key may appear once in a map';
  if (code === 'YAML_COMPLEX_KEY') return 'keys must be plain strings, not collections';
  if (code === 'YAML_TAG') {
    const tag = /Unresolved tag: (\S+)/.exec(message)?.[1]?.replace('tag:yaml.org,2002:', '!!') ?? 'this tag';
    return `tag ${tag} is not allowed: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are`;
  }
  return firstLine(message);
}

/** Parses `source` (the contents of `file`, used in diagnostics) with the safe profile. */
export function parseYaml(source: string, file: string, limits: YamlLimits = {}): ParsedYaml {
  const maxFileBytes = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const lineCounter = new LineCounter();
  const result: ParsedYaml = { file, lineCounter, document: undefined, value: undefined, ok: false, empty: false, diagnostics: [] };
  const at = (code: DiagnosticCode, message: string, range: SourceRange): void => {
    result.diagnostics.push(diagnosticAt(code, message, file, lineCounter, range));
  };

  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > maxFileBytes) {
    result.diagnostics.push(
      diagnosticAtFileStart('FILE_TOO_LARGE', `file is ${bytes} bytes; at most ${maxFileBytes} are read`, file),
    );
    return result;
  }

  const control = NON_PRINTABLE.exec(source);
  if (control !== null) {
    const hex = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    // Positions need the line starts, which the parser would have recorded: count them up to the character.
    lineCounter.addNewLine(0);
    for (let i = source.indexOf('\n'); i !== -1 && i < control.index; i = source.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    at('YAML_CONTROL_CHARACTER', `raw control character U+${hex}: write it as an escape in a double-quoted string`, {
      start: control.index,
      end: control.index + 1,
    });
    return result;
  }

  const tokens: CST.Token[] = [...new Parser(lineCounter.addNewLine).parse(source)];
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const deepAt = findTooDeep(tokens, maxDepth);
  if (deepAt !== undefined) {
    at('YAML_TOO_DEEP', `collections are nested more than ${maxDepth} levels deep`, { start: deepAt, end: deepAt + 1 });
    return result;
  }
  for (const offset of extraDocumentOffsets(tokens)) {
    at('YAML_MULTI_DOCUMENT', 'a file holds one YAML document: remove the "---" separator and what follows, or split the file', {
      start: offset,
      end: offset + 1,
    });
  }

  const documents = [...new Composer(COMPOSE_OPTIONS).compose(tokens, true, source.length)];
  const document = documents[0];
  if (document === undefined) {
    result.empty = true;
    result.value = null;
    result.ok = result.diagnostics.length === 0;
    return result;
  }
  result.document = document;

  const directiveAt = yamlDirectiveOffset(tokens);
  if (directiveAt !== undefined && document.directives.yaml.version !== '1.2') {
    at('YAML_VERSION_IGNORED', `files are read as YAML 1.2 (core schema) whatever the %YAML directive says`, {
      start: directiveAt,
      end: directiveAt + 5,
    });
  }
  for (const error of document.errors) {
    const code = YAML_ERROR_CODES[error.code] ?? 'YAML_SYNTAX';
    at(code, describeYamlError(code, error.message), { start: error.pos[0], end: error.pos[1] });
  }
  for (const warning of document.warnings) {
    const code = YAML_ERROR_CODES[warning.code] ?? 'YAML_WARNING';
    at(code, describeYamlError(code, warning.message), { start: warning.pos[0], end: warning.pos[1] });
  }

  const maxAliases = limits.maxAliases ?? DEFAULT_MAX_ALIASES;
  checkDocumentNodes(
    document,
    { maxAliases, maxAliasExpansion: limits.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION },
    at,
  );

  result.empty = document.contents === null;
  if (result.diagnostics.some((d) => d.severity === 'error')) return result;
  try {
    result.value = document.toJS(toJsOptions(maxAliases));
  } catch (error) {
    // yaml's own alias-count guard: a backstop behind checkDocumentNodes.
    at('YAML_ALIAS_LIMIT', firstLine((error as Error).message), { start: 0, end: 0 });
    return result;
  }
  result.ok = true;
  return result;
}
