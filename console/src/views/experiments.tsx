// The results of the experiments that run on one flag, as the results route
// computes them: the console formats figures, it never recomputes them.
import type { StateResponse } from '../../../cli/http/api-types.js';
import type { ExperimentResults, MetricResult, SrmResultView } from '../../../core/experiments/results.js';
import { describeP, formatFigure, formatInterval, formatPValue } from '../model.js';
import { useTenant } from './context.js';
import { errorText, useLoad } from './hooks.js';
import { Message } from './parts.js';

/** The flag's experiments' results; nothing without flags:read (the results route's scope) or when none runs on the flag. */
export function FlagExperiments({ flagKey }: { flagKey: string }) {
  const ctx = useTenant();
  const mayRead = ctx.can('flags:read');
  const results = useLoad(async () => {
    if (!mayRead) return [];
    const state = await ctx.api.get<StateResponse>('/v1/state');
    const keys = (state.state.experiments ?? []).filter((e) => e.flag === flagKey).map((e) => e.key);
    return Promise.all(keys.map((key) => ctx.api.get<ExperimentResults>(`/v1/experiments/${encodeURIComponent(key)}/results`)));
  }, [ctx.tenant, flagKey, ctx.revision, mayRead]);
  if (results.state === 'loading') return null;
  if (results.state === 'error') return <Message kind="error">{errorText(results.error)}</Message>;
  if (results.value.length === 0) return null;
  return (
    <>
      <h2>Experiments</h2>
      {results.value.map((r) => (
        <Experiment key={r.experiment} results={r} />
      ))}
    </>
  );
}

function Experiment({ results: r }: { results: ExperimentResults }) {
  const id = `exp-${r.experiment}`;
  return (
    <section class="experiment" aria-labelledby={id} data-experiment={r.experiment}>
      <h3 id={id}>
        {r.experiment} <span class="muted">· {r.environment} · {r.status} · from {r.start}{r.stop ? ` to ${r.stop}` : ''}</span>
      </h3>
      {r.hypothesis ? <p>{r.hypothesis}</p> : null}
      {r.srm?.mismatch ? <SrmAlarm srm={r.srm} /> : null}
      {r.warnings.length > 0 ? (
        <ul class="exp-warnings">
          {r.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <p class="exp-units">
        {r.units.exposed} units exposed, {r.units.analyzed} analyzed, {r.units.multipleVariants} dropped for seeing more than one variant
        {r.srm ? ` · sample ratio ${describeP(r.srm.pValue)}` : ''}
      </p>
      {r.metrics.map((m) => (
        <MetricTable key={`${m.role}-${m.event}`} metric={m} />
      ))}
      {r.periods.length > 1 ? (
        <>
          <h4>Allocation periods</h4>
          <ol class="exp-periods">
            {r.periods.map((p) => (
              <li key={p.fromRevision}>
                revisions {p.fromRevision}–{p.toRevision ?? 'now'}:{' '}
                {Object.entries(p.weights)
                  .map(([v, w]) => `${v} ${w}`)
                  .join(' · ')}{' '}
                — {p.units.analyzed} units{p.srm?.mismatch ? ' — SAMPLE RATIO MISMATCH' : ''}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <p class="muted">computed {new Date(r.computedAt).toLocaleString()}</p>
    </section>
  );
}

function SrmAlarm({ srm }: { srm: SrmResultView }) {
  return (
    <p class="message message-error srm" role="alert">
      <strong>Sample ratio mismatch</strong> ({describeP(srm.pValue)}): the units did not split as the rollout says, so the assignment is broken and these results must not be trusted. Observed{' '}
      {Object.entries(srm.observed)
        .map(([v, n]) => `${v} ${n}`)
        .join(', ')}
      ; expected{' '}
      {Object.entries(srm.expected)
        .map(([v, n]) => `${v} ${formatFigure(n)}`)
        .join(', ')}
      .
    </p>
  );
}

function MetricTable({ metric: m }: { metric: MetricResult }) {
  const d = m.droppedEvents;
  const valueLabel = m.type === 'conversion' ? 'conversions (rate)' : 'mean (sd)';
  return (
    <table class="exp-metric" data-metric={m.event}>
      <caption>
        {m.role} metric <code>{m.event}</code> ({m.type}
        {m.windowHours === null ? '' : `, ${m.windowHours} h window`})
      </caption>
      <thead>
        <tr>
          <th scope="col">variant</th>
          <th scope="col">units</th>
          <th scope="col">{valueLabel}</th>
          <th scope="col">effect vs control</th>
          <th scope="col">95% interval</th>
          <th scope="col">always-valid interval</th>
          <th scope="col">p-value</th>
        </tr>
      </thead>
      <tbody>
        {m.variants.map((v) => {
          const c = m.comparisons.find((x) => x.variant === v.variant);
          return (
            <tr key={v.variant} data-variant={v.variant}>
              <th scope="row">{v.variant}</th>
              <td>{v.units}</td>
              <td>{m.type === 'conversion' ? `${v.conversions ?? 0} (${formatFigure(v.value)})` : `${formatFigure(v.value)} (${formatFigure(v.standardDeviation ?? 0)})`}</td>
              <td>{c ? `${formatFigure(c.effect)}${c.relativeEffect === null ? '' : ` (${formatFigure(c.relativeEffect * 100)}%)`}` : 'control'}</td>
              <td>{c ? formatInterval(c.interval) : ''}</td>
              <td>{c ? `${formatInterval(c.sequentialInterval)}${c.significant ? ' significant' : ''}` : ''}</td>
              <td>{c ? formatPValue(c.pValue) : ''}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={7} class="muted exp-dropped">
            {m.countedEvents} events counted; dropped: {d.beforeExposure} before exposure, {d.afterWindow} after the window, {d.multipleVariants} from units with more than one variant, {d.notExposed} from units never exposed
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
