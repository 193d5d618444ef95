import type { ComponentChildren } from 'preact';
import type { DocumentMeta } from '../api.js';
import { diffValues } from '../../../core/diff/field-diff.js';
import type { FieldChange } from '../../../core/model/schema-types.js';
import { formatShare, type Share } from '../model.js';

export function Badge({ kind, children, title }: { kind: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${kind}`} {...(title === undefined ? {} : { title })}>
      {children}
    </span>
  );
}

export function EnabledBadge({ configured, enabled }: { configured: boolean; enabled: boolean }) {
  if (!configured) return <Badge kind="none">not set</Badge>;
  return enabled ? <Badge kind="on">on</Badge> : <Badge kind="off">off</Badge>;
}

export function ManagedBadge({ meta }: { meta: DocumentMeta }) {
  return meta.managed_by === 'git' ? (
    <Badge kind="git" title={meta.git_commit === null ? 'managed by Git' : `managed by Git, commit ${meta.git_commit}`}>
      git
    </Badge>
  ) : (
    <Badge kind="api" title="written over the API, not by an apply from Git">
      api
    </Badge>
  );
}

export function DriftBadge({ meta }: { meta: DocumentMeta }) {
  if (meta.drift === null || meta.drift === undefined) return null;
  const d = meta.drift;
  return (
    <Badge kind="drift" title={`changed outside Git by ${d.actor} (${d.source}) at ${d.at}`}>
      drift
    </Badge>
  );
}

/** A rollout's weights as a bar: an SVG (no inline styles under the console's CSP). */
export function RolloutBar({ shares }: { shares: Share[] }) {
  let x = 0;
  const label = shares.map((s) => `${s.variant} ${formatShare(s.share)}`).join(', ');
  return (
    <svg class="rollout" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={`rollout: ${label}`}>
      <title>{label}</title>
      {shares.map((s, i) => {
        const rect = <rect key={s.variant} class={`share share-${i % 6}`} x={x} y={0} width={s.share * 100} height={8} />;
        x += s.share * 100;
        return rect;
      })}
    </svg>
  );
}

export function Message({ kind, children }: { kind: 'error' | 'info'; children: ComponentChildren }) {
  return (
    <p class={`message message-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

const show = (v: unknown): string => (v === undefined ? '—' : JSON.stringify(v));

/** Field-by-field before → after, with the same paths `ff plan` prints. */
export function FieldDiff({ before, after }: { before: unknown; after: unknown }) {
  const changes: FieldChange[] = diffValues(before ?? undefined, after ?? undefined, '');
  if (changes.length === 0) return <p class="muted">no field changed</p>;
  return (
    <ul class="diff">
      {changes.map((c) => (
        <li key={`${c.op}:${c.path}`}>
          <code>{c.path === '' ? '(whole document)' : c.path}</code>{' '}
          {c.added !== undefined || c.removed !== undefined ? (
            <>
              {c.added?.length ? <ins>+{show(c.added)}</ins> : null} {c.removed?.length ? <del>−{show(c.removed)}</del> : null}
            </>
          ) : c.op === 'add' ? (
            <ins>{show(c.after)}</ins>
          ) : c.op === 'remove' ? (
            <del>{show(c.before)}</del>
          ) : (
            <>
              <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
