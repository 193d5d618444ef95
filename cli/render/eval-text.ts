import type { EvalView } from '../actions/eval.js';
import type { Palette } from '../io/colors.js';
import { formatBucket, formatJson } from './format-values.js';
import { renderExplainText } from './explain-text.js';

function field(label: string, value: string, colors: Palette): string {
  const indented = value.replace(/\n/g, `\n${' '.repeat(10)}`);
  return `${colors.dim(label.padEnd(8))}  ${indented}\n`;
}

/**
 * `ff eval` (and `ff eval --remote`): the answer, then with a trace the
 * reasoning. Takes only the wire answer and the trace, the two things the
 * server's preview endpoint returns, so local and remote print the same.
 */
export function renderEvalText(view: EvalView, colors: Palette): string {
  const e = view.evaluation;
  const failed = e.error_code !== undefined;
  let out = field('flag', `${colors.bold(e.flag_key)}  ${colors.dim(`(tenant ${view.tenant}, environment ${view.environment})`)}`, colors);
  out += field('value', (failed ? colors.yellow : colors.green)(formatJson(e.value)), colors);
  out += field('variant', e.variant ?? colors.dim('(none)'), colors);
  out += field('reason', e.reason, colors);
  if (e.rule_id !== undefined) out += field('rule', e.rule_id, colors);
  if (e.details.bucket !== undefined) out += field('bucket', formatBucket(e.details.bucket), colors);
  if (e.error_code !== undefined) {
    const detail = e.error_message ? `${e.error_code}: ${e.error_message}` : e.error_code;
    out += field('error', colors.red(detail), colors);
  }
  if (view.trace) out += `\n${renderExplainText(view.trace, colors)}`;
  return out;
}
