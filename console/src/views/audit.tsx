import { useEffect, useState } from 'preact/hooks';
import type { AuditItem, ListPage } from '../api.js';
import { query } from '../api.js';
import { href } from '../route.js';
import { useTenant } from './context.js';
import { errorText } from './hooks.js';
import { AuditEntry } from './history.js';
import { Message } from './parts.js';

const FILTERS = ['resource', 'key', 'actor', 'commit', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** datetime-local ("2026-12-03T10:00") ↔ the ISO-8601 the API filters take. */
const toIso = (local: string): string | undefined => (local === '' ? undefined : new Date(local).toISOString());
const toLocal = (iso: string | undefined): string => {
  if (iso === undefined) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export function AuditView({ params }: { params: Record<string, string> }) {
  const ctx = useTenant();
  const filters: Filters = Object.fromEntries(FILTERS.filter((f) => params[f]).map((f) => [f, params[f]]));
  const [draft, setDraft] = useState<Filters>(filters);
  const [items, setItems] = useState<AuditItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const key = JSON.stringify(filters);
  const load = (after: string | null, replace: boolean) =>
    ctx.api.get<ListPage<AuditItem>>(`/v1/audit${query({ ...filters, limit: 50, cursor: after })}`).then(
      (page) => {
        setItems((prev) => (replace ? page.items : prev.concat(page.items)));
        setCursor(page.next_cursor);
        setError(null);
      },
      (e: Error) => setError(e),
    );
  useEffect(() => {
    void load(null, true);
  }, [ctx.tenant, key, ctx.revision]);

  const field = (name: keyof Filters, label: string, type: 'text' | 'datetime-local' = 'text') => (
    <label>
      {label}
      <input
        name={name}
        {...(type === 'text' ? { type: 'text' as const } : { type: 'datetime-local' as const })}
        value={type === 'datetime-local' ? toLocal(draft[name]) : (draft[name] ?? '')}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setDraft({ ...draft, [name]: type === 'datetime-local' ? toIso(v) : v || undefined });
        }}
      />
    </label>
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href({ tenant: ctx.tenant, view: 'audit', params: draft });
        }}
      >
        <label>
          Resource
          <select name="resource" value={draft.resource ?? ''} onChange={(e) => setDraft({ ...draft, resource: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">any</option>
            <option value="flag">flag</option>
            <option value="segment">segment</option>
            <option value="environment">environment</option>
            <option value="api_key">api key</option>
          </select>
        </label>
        {field('key', 'Key')}
        {field('actor', 'Actor')}
        {field('commit', 'Commit')}
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        <button type="submit">Filter</button>
      </form>
      {error !== null ? <Message kind="error">{errorText(error)}</Message> : null}
      <ol class="audit">
        {items.map((item) => (
          <AuditEntry key={item.id} item={item} showKey={true} />
        ))}
      </ol>
      {items.length === 0 && error === null ? <p class="muted">No entries.</p> : null}
      {cursor !== null ? (
        <button type="button" onClick={() => void load(cursor, false)}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
