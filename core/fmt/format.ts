// `ff fmt` on one file: canonical, idempotent, and safe. It works on the
// parsed YAML document (never data → stringify), so comments, anchors, scalar
// styles and the order of user-keyed maps survive; it reorders known keys and
// re-indents. It refuses (output = input) a file with YAML errors, and any
// result that would read back differently or lose a comment.
import { isDeepStrictEqual } from 'node:util';
import type { ToStringOptions } from 'yaml';
import type { Diagnostic } from '../validation/types.js';
import { parseYaml } from '../yaml/parse.js';
import { diagnosticAtFileStart } from '../yaml/positions.js';
import { commentsOf, keepBlockScalarComments } from './comments.js';
import { orderKeys } from './key-order.js';

export interface FormatResult {
  output: string;
  changed: boolean;
  diagnostics: Diagnostic[];
}

// Long prose is folded at 100 columns and long flow lists go one item per
// line: yaml cannot keep a user's own line breaks inside a scalar, so one
// width for everyone is the canonical choice (and keeps diffs readable).
const TO_STRING: ToStringOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 100,
  minContentWidth: 20,
  flowCollectionPadding: false,
};

const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/;

/** When the source starts with the editor's schema line, the output does too. */
function keepSchemaLineFirst(source: string, output: string): string {
  const first = source.split('\n', 1)[0]?.trimEnd() ?? '';
  if (!SCHEMA_LINE.test(first) || output.startsWith(first + '\n')) return output;
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.trimEnd() === first);
  if (at > 0) lines.splice(at, 1);
  return [first, ...lines].join('\n');
}

function unchanged(source: string, diagnostics: Diagnostic[]): FormatResult {
  return { output: source, changed: false, diagnostics };
}

function sameComments(a: string, b: string): boolean {
  return isDeepStrictEqual(commentsOf(a), commentsOf(b));
}

/** Most passes formatSource makes to reach a fixed point. */
const MAX_PASSES = 4;

/**
 * The canonical form of `source` (named `file` in diagnostics). One pass can
 * leave a comment that sat between a nested block and the next key where yaml
 * attaches it differently on re-reading; a further pass settles it, so passes
 * repeat until the output no longer changes (idempotence).
 */
export function formatSource(source: string, file: string): FormatResult {
  let result = formatOnce(source, file);
  for (let pass = 1; pass < MAX_PASSES && result.changed; pass++) {
    const next = formatOnce(result.output, file);
    if (next.output === result.output || next.diagnostics.some((d) => d.severity === 'error')) break;
    result = { output: next.output, changed: next.output !== source, diagnostics: result.diagnostics };
  }
  return result;
}

function formatOnce(source: string, file: string): FormatResult {
  const parsed = parseYaml(source, file);
  const warnings = parsed.diagnostics.filter((d) => d.severity === 'warning');
  if (!parsed.ok || parsed.document === undefined) return unchanged(source, parsed.diagnostics);
  if (parsed.empty) return unchanged(source, warnings);

  orderKeys(parsed.document.contents);
  keepBlockScalarComments(parsed.document);
  let output: string;
  try {
    output = keepSchemaLineFirst(source, parsed.document.toString(TO_STRING));
  } catch {
    output = ''; // yaml refuses to write an alias before its anchor: the check below reports it
  }

  const reread = parseYaml(output, file);
  if (!reread.ok || !isDeepStrictEqual(reread.value, parsed.value)) {
    const why = 'formatting would change what the file means (an alias before its anchor after reordering?); left as is';
    return unchanged(source, [...warnings, diagnosticAtFileStart('FMT_UNSAFE', why, file)]);
  }
  if (!sameComments(source, output)) {
    return unchanged(source, [...warnings, diagnosticAtFileStart('FMT_UNSAFE', 'formatting would lose a comment; left as is', file)]);
  }
  return { output, changed: output !== source, diagnostics: warnings };
}
