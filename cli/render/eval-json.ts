import type { EvalView } from '../actions/eval.js';

/** `ff eval --json`: the wire answer the server would send, plus `trace` with --explain. */
export function renderEvalJson(view: EvalView): string {
  const body = view.trace ? { ...view.evaluation, trace: view.trace } : view.evaluation;
  return `${JSON.stringify(body, null, 2)}\n`;
}
