import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { hasUsage, lastEvaluated, type FlagListItem } from '../api.js';
import { summarize } from '../model.js';
import { href } from '../route.js';
import { needsMore, rowWindow } from '../window.js';
import { useTenant } from './context.js';
import { useEnvironments, useFlagPages } from './data.js';
import { errorText, useDebounced } from './hooks.js';
import { Badge, DriftBadge, EnabledBadge, ManagedBadge, Message, RolloutBar, when } from './parts.js';

/** Row height in px: fixed, so the window of rendered rows is arithmetic (styles.css sets the same). */
export const ROW_HEIGHT = 52;

export function FlagList({ params }: { params: Record<string, string> }) {
  const ctx = useTenant();
  const envs = useEnvironments(ctx);
  const [q, setQ] = useState(params.q ?? '');
  const search = useDebounced(q.trim(), 200);
  const pages = useFlagPages(ctx, search);
  const envKeys = envs.state === 'ok' ? envs.value : [];
  const env = params.env !== undefined && envKeys.includes(params.env) ? params.env : envKeys.includes('production') ? 'production' : (envKeys[0] ?? '');
  const showUsage = pages.items.some(hasUsage);

  return (
    <section aria-labelledby="flags-title">
      <div class="toolbar">
        <h1 id="flags-title">Flags</h1>
        <label class="search">
          <span class="visually-hidden">Search flags</span>
          <input type="search" placeholder="search key or description" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </label>
        <div class="env-tabs" role="group" aria-label="environment">
          {envKeys.map((k) => (
            <a key={k} href={href({ tenant: ctx.tenant, view: 'flags', params: { env: k, q: q || undefined } })} aria-current={k === env ? 'true' : undefined}>
              {k}
            </a>
          ))}
        </div>
      </div>
      {pages.error !== null ? <Message kind="error">{errorText(pages.error)}</Message> : null}
      <VirtualFlagTable items={pages.items} env={env} envKeys={envKeys} showUsage={showUsage} hasMore={pages.hasMore} onNeedMore={pages.loadMore} />
      <p class="muted count" role="status">
        {pages.loading ? 'loading…' : `${pages.items.length}${pages.hasMore ? '+' : ''} flag${pages.items.length === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}`}
      </p>
    </section>
  );
}

function VirtualFlagTable(props: { items: FlagListItem[]; env: string; envKeys: string[]; showUsage: boolean; hasMore: boolean; onNeedMore: () => void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const measure = () => setHeight(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const w = rowWindow({ scrollTop, viewportHeight: height, rowHeight: ROW_HEIGHT, count: props.items.length });
  useEffect(() => {
    if (needsMore(w, props.items.length, props.hasMore)) props.onNeedMore();
  }, [w.end, props.items.length, props.hasMore]);
  const columns = 9 + (props.showUsage ? 1 : 0);
  const ctx = useTenant();
  return (
    <div class="scroller" ref={scroller} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)} tabIndex={0} aria-label="flags">
      <table class="flags" aria-rowcount={props.items.length + 1}>
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col" class="wide">
              Environments
            </th>
            <th scope="col">{props.env || 'State'}</th>
            <th scope="col">Serves</th>
            <th scope="col" class="wide">
              Rules
            </th>
            <th scope="col" class="wide">
              Targets
            </th>
            <th scope="col" class="wide">
              Owner
            </th>
            <th scope="col" class="wide">
              Tags
            </th>
            <th scope="col">Source</th>
            {props.showUsage ? (
              <th scope="col" class="wide">
                Last evaluated here
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {w.before > 0 ? <Spacer height={w.before} columns={columns} /> : null}
          {props.items.slice(w.start, w.end).map((f, i) => {
            const s = summarize(f.data, props.env);
            const used = lastEvaluated(f, props.env);
            return (
              <tr key={f.data.key} class="row" aria-rowindex={w.start + i + 2}>
                <td class="key">
                  <a href={href({ tenant: ctx.tenant, view: 'flag', key: f.data.key, params: { env: props.env } })}>{f.data.key}</a>
                  {f.data.description ? <span class="desc">{f.data.description}</span> : null}
                </td>
                <td class="wide envs">
                  {props.envKeys.map((k) => {
                    const e = summarize(f.data, k);
                    const word = !e.configured ? 'not set' : e.enabled ? 'on' : 'off';
                    return <span key={k} class={`dot dot-${word.replace(' ', '-')}`} title={`${k}: ${word}`} aria-label={`${k}: ${word}`} role="img" />;
                  })}
                </td>
                <td>
                  <EnabledBadge configured={s.configured} enabled={s.enabled} />
                </td>
                <td class="serves">
                  {s.rollout !== null ? <RolloutBar shares={s.rollout} /> : null}
                  <span class="serve-text">{s.serves}</span>
                </td>
                <td class="wide" title={s.firstRule ?? undefined}>
                  {s.rules === 0 ? '—' : `${s.rules} rule${s.rules === 1 ? '' : 's'}`}
                </td>
                <td class="wide">{s.targets === 0 ? '—' : s.targets}</td>
                <td class="wide">{f.data.owner ?? '—'}</td>
                <td class="wide tags" title={(f.data.tags ?? []).join(', ') || undefined}>
                  {(f.data.tags ?? []).map((t) => (
                    <Badge key={t} kind="tag">
                      {t}
                    </Badge>
                  ))}
                </td>
                <td class="source">
                  <ManagedBadge meta={f.meta} /> <DriftBadge meta={f.meta} />
                </td>
                {props.showUsage ? <td class="wide">{used === null ? 'never' : when(used)}</td> : null}
              </tr>
            );
          })}
          {w.after > 0 ? <Spacer height={w.after} columns={columns} /> : null}
        </tbody>
      </table>
    </div>
  );
}

/** Space for the rows not rendered; its height is set through the CSSOM, which the CSP allows (inline style attributes it does not). */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr aria-hidden="true" class="spacer">
      <td colSpan={columns} style={{ height: `${height}px` }} />
    </tr>
  );
}
