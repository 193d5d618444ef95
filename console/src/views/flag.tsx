import { useState } from 'preact/hooks';
import type { AuditItem, FlagView, ListPage } from '../api.js';
import { lastEvaluated, query } from '../api.js';
import { describeRule, describeServe, summarize } from '../model.js';
import { href } from '../route.js';
import { BreakGlass } from './break-glass.js';
import { useTenant } from './context.js';
import { FlagExperiments } from './experiments.js';
import { errorText, useLoad } from './hooks.js';
import { AuditEntry } from './history.js';
import { Badge, DriftBadge, EnabledBadge, ManagedBadge, Message, RolloutBar, when } from './parts.js';
import { Yaml } from './yaml.js';

export function FlagPage({ flagKey, params }: { flagKey: string; params: Record<string, string> }) {
  const ctx = useTenant();
  // Bumped after a write from this page, so it shows even when the page is not live.
  const [written, setWritten] = useState(0);
  const flag = useLoad(() => ctx.api.get<FlagView>(`/v1/flags/${encodeURIComponent(flagKey)}`), [ctx.tenant, flagKey, ctx.revision, ctx.marks, written]);
  const history = useLoad(
    () => (ctx.can('audit:read') ? ctx.api.get<ListPage<AuditItem>>(`/v1/audit${query({ resource: 'flag', key: flagKey, limit: 50 })}`) : Promise.resolve(null)),
    [ctx.tenant, flagKey, ctx.revision, written],
  );
  const [breakGlass, setBreakGlass] = useState<{ env: string; enable: boolean } | null>(null);

  if (flag.state === 'loading') return <p>loading…</p>;
  if (flag.state === 'error') return <Message kind="error">{errorText(flag.error)}</Message>;
  const { data, meta } = flag.value;
  const used = lastEvaluated(flag.value);
  const envs = Object.keys(data.environments ?? {});
  const mayWrite = ctx.can('flags:write');
  return (
    <article aria-labelledby="flag-title">
      <p class="crumbs">
        <a href={href({ tenant: ctx.tenant, view: 'flags', params: { env: params.env } })}>Flags</a> /
      </p>
      <h1 id="flag-title">{data.key}</h1>
      {data.description ? <p>{data.description}</p> : null}
      <dl class="facts">
        <dt>type</dt>
        <dd>{data.type}</dd>
        <dt>variants</dt>
        <dd>
          {Object.entries(data.variants).map(([name, value]) => (
            <span key={name} class="variant">
              <code>{name}</code> = <code>{JSON.stringify(value)}</code>
            </span>
          ))}
        </dd>
        <dt>off variant</dt>
        <dd>{data.offVariant}</dd>
        {data.kind ? (
          <>
            <dt>kind</dt>
            <dd>{data.kind}</dd>
          </>
        ) : null}
        <dt>owner</dt>
        <dd>{data.owner ?? '—'}</dd>
        <dt>tags</dt>
        <dd>{(data.tags ?? []).length === 0 ? '—' : (data.tags ?? []).map((t) => <Badge key={t} kind="tag">{t}</Badge>)}</dd>
        <dt>source</dt>
        <dd>
          <ManagedBadge meta={meta} /> <DriftBadge meta={meta} /> {meta.git_commit ? <code>{meta.git_commit.slice(0, 10)}</code> : null}
          {meta.drift ? (
            <span class="muted">
              {' '}
              changed outside Git by {meta.drift.actor} at {when(meta.drift.at)}: the next apply restores the files' version unless it is committed (<code>ff export --drift</code>)
            </span>
          ) : null}
        </dd>
        <dt>updated</dt>
        <dd>
          {when(meta.updated_at)} by {meta.updated_by} · revision {meta.revision}
        </dd>
        {used !== null ? (
          <>
            <dt>last evaluated</dt>
            <dd>{when(used)}</dd>
          </>
        ) : null}
      </dl>

      <h2>Environments</h2>
      <div class="env-cards">
        {envs.length === 0 ? <p class="muted">Not configured in any environment: every environment serves {data.offVariant}.</p> : null}
        {envs.map((env) => {
          const config = data.environments?.[env];
          const s = summarize(data, env);
          const off = config?.offVariant ?? data.offVariant;
          return (
            <section key={env} class="env-card" aria-labelledby={`env-${env}`}>
              <h3 id={`env-${env}`}>
                {env} <EnabledBadge configured={s.configured} enabled={s.enabled} />
              </h3>
              {config?.targets && Object.keys(config.targets).length > 0 ? (
                <p>
                  Targets:{' '}
                  {Object.entries(config.targets).map(([variant, keys]) => (
                    <span key={variant}>
                      {keys?.length ?? 0} → <code>{variant}</code>{' '}
                    </span>
                  ))}
                </p>
              ) : null}
              {(config?.rules ?? []).length > 0 ? (
                <ol class="rules">
                  {(config?.rules ?? []).map((rule) => (
                    <li key={rule.id}>
                      <code>{rule.id}</code> {describeRule(rule, off)}
                    </li>
                  ))}
                </ol>
              ) : null}
              <p>
                Otherwise: {describeServe(config?.default, off)} {s.rollout ? <RolloutBar shares={s.rollout} /> : null}
              </p>
              {mayWrite ? (
                <button type="button" class={s.enabled ? 'danger' : ''} onClick={() => setBreakGlass({ env, enable: !s.enabled })}>
                  {s.enabled ? `Disable in ${env}` : `Enable in ${env}`}
                </button>
              ) : null}
            </section>
          );
        })}
      </div>
      {breakGlass !== null ? <BreakGlass flag={data} env={breakGlass.env} enable={breakGlass.enable} onClose={() => setBreakGlass(null)} onWritten={() => setWritten((n) => n + 1)} /> : null}

      <FlagExperiments flagKey={data.key} />

      <h2>Source as applied</h2>
      <Yaml doc={data} />

      <h2>History</h2>
      {history.state === 'error' ? <Message kind="error">{errorText(history.error)}</Message> : null}
      {history.state === 'ok' && history.value === null ? <p class="muted">The token lacks audit:read.</p> : null}
      {history.state === 'ok' && history.value !== null ? (
        <ol class="audit">
          {history.value.items.map((item) => (
            <AuditEntry key={item.id} item={item} showKey={false} />
          ))}
        </ol>
      ) : null}
    </article>
  );
}
