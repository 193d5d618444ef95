import { useEffect, useState } from 'preact/hooks';
import type { FlagListItem, FlagView, ListPage, PreviewResponse, SegmentView } from '../api.js';
import { query } from '../api.js';
import { renderEvalText } from '../../../cli/render/eval-text.js';
import { inWireOrder } from '../../../cli/http/wire-evaluation.js';
import type { Palette } from '../../../cli/io/colors.js';
import type { Segment } from '../../../core/model/index.js';
import { attributesUsed, parseContext, segmentsUsed, withAttribute } from '../model.js';
import { href } from '../route.js';
import { useTenant } from './context.js';
import { useEnvironments } from './data.js';
import { errorText, useDebounced, useLoad } from './hooks.js';
import { Message } from './parts.js';

/** The CLI's renderer with no colour: the playground prints exactly what `ff eval --explain` prints. */
const plain = new Proxy({}, { get: (_t, name) => (name === 'isColorSupported' ? false : (s: unknown) => String(s)) }) as Palette;

export function Playground({ params }: { params: Record<string, string> }) {
  const ctx = useTenant();
  const envs = useEnvironments(ctx);
  const envKeys = envs.state === 'ok' ? envs.value : [];
  const env = params.env !== undefined && envKeys.includes(params.env) ? params.env : envKeys.includes('production') ? 'production' : (envKeys[0] ?? '');
  const flagKey = params.flag ?? '';
  const [flagInput, setFlagInput] = useState(flagKey);
  const search = useDebounced(flagInput.trim(), 150);
  const [text, setText] = useState('{\n  "targetingKey": "user-1"\n}');
  const [answer, setAnswer] = useState<{ text: string; result: PreviewResponse['result'] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const matches = useLoad(
    () => (ctx.can('flags:read') ? ctx.api.get<ListPage<FlagListItem>>(`/v1/flags${query({ limit: 20, q: search })}`).then((p) => p.items.map((f) => f.data.key)) : Promise.resolve([])),
    [ctx.tenant, search],
  );
  const flag = useLoad(
    () => (flagKey !== '' && ctx.can('flags:read') ? ctx.api.get<FlagView>(`/v1/flags/${encodeURIComponent(flagKey)}`) : Promise.resolve(null)),
    [ctx.tenant, flagKey, ctx.revision],
  );
  const [segments, setSegments] = useState<Map<string, Segment>>(new Map());
  useEffect(() => {
    if (flag.state !== 'ok' || flag.value === null || !ctx.can('segments:read') || segmentsUsed(flag.value.data, env).length === 0) return;
    void ctx.api.get<ListPage<SegmentView>>(`/v1/segments${query({ limit: 200 })}`).then((p) => setSegments(new Map(p.items.map((s) => [s.data.key, s.data]))));
  }, [flag, env]);
  const suggested = flag.state === 'ok' && flag.value !== null ? attributesUsed(flag.value.data, env, segments) : ['targetingKey'];
  const check = parseContext(text);

  const go = (next: { flag?: string; env?: string }) => (location.hash = href({ tenant: ctx.tenant, view: 'playground', params: { flag: flagKey, env, ...next } }));

  const evaluate = async () => {
    const key = flagInput.trim();
    if (!check.ok || key === '') return;
    if (key !== flagKey) go({ flag: key });
    setError(null);
    try {
      const preview = await ctx.api.send<PreviewResponse>('POST', '/v1/evaluate/preview', { flag_key: key, environment: env, context: check.context });
      setAnswer({ result: preview.result, text: renderEvalText({ tenant: ctx.tenant, environment: env, evaluation: inWireOrder(preview.result), trace: preview.trace }, plain) });
    } catch (e) {
      setAnswer(null);
      setError(errorText(e as Error));
    }
  };

  return (
    <section aria-labelledby="pg-title">
      <h1 id="pg-title">Playground</h1>
      <form
        class="playground"
        onSubmit={(e) => {
          e.preventDefault();
          void evaluate();
        }}
      >
        <label>
          Environment
          <select value={env} onChange={(e) => go({ env: (e.target as HTMLSelectElement).value })}>
            {envKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Flag
          <input
            list="pg-flags"
            value={flagInput}
            autocomplete="off"
            onInput={(e) => setFlagInput((e.target as HTMLInputElement).value)}
            onChange={(e) => go({ flag: (e.target as HTMLInputElement).value.trim() })}
          />
        </label>
        <datalist id="pg-flags">{matches.state === 'ok' ? matches.value.map((k) => <option key={k} value={k} />) : null}</datalist>
        <label for="pg-context">Context (JSON)</label>
        <textarea id="pg-context" rows={8} spellcheck={false} value={text} aria-invalid={!check.ok} aria-describedby="pg-context-help" onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <p id="pg-context-help" class={check.ok ? 'muted' : 'message message-error'}>
          {check.ok ? 'Attributes this flag reads here:' : check.message}{' '}
          {check.ok
            ? suggested.map((a) => (
                <button key={a} type="button" class="chip" onClick={() => setText(withAttribute(text, a))} aria-label={`add attribute ${a}`}>
                  {a}
                </button>
              ))
            : null}
        </p>
        <button type="submit" class="primary" disabled={!check.ok || flagInput.trim() === '' || env === ''}>
          Evaluate
        </button>
      </form>
      {error !== null ? <Message kind="error">{error}</Message> : null}
      {answer !== null ? (
        <div class="answer">
          <dl class="facts">
            <dt>value</dt>
            <dd>
              <code>{JSON.stringify(answer.result.value)}</code>
            </dd>
            <dt>variant</dt>
            <dd>{answer.result.variant ?? '(none)'}</dd>
            <dt>reason</dt>
            <dd>{answer.result.reason}</dd>
            <dt>rule</dt>
            <dd>{answer.result.rule_id ?? '—'}</dd>
          </dl>
          <pre class="explain" aria-label="explain trace" tabIndex={0}>
            {answer.text}
          </pre>
        </div>
      ) : null}
    </section>
  );
}
