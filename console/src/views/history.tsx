import { commitUrl } from '../../../cli/git/commit-url.js';
import type { AuditItem } from '../api.js';
import { FieldDiff, when } from './parts.js';

/** One audit entry: who, what, from where (the commit on the Git host, when it came from Git), and the field diff. */
export function AuditEntry({ item, showKey }: { item: AuditItem; showKey: boolean }) {
  const link = item.commit ? commitUrl(item.commit.remote_url ?? item.commit.remote, item.commit.sha) : undefined;
  return (
    <li class="audit-entry">
      <div class="audit-head">
        <time dateTime={item.ts}>{when(item.ts)}</time> <strong>{item.actor}</strong> <span class={`action action-${item.action}`}>{item.action}</span>{' '}
        {showKey ? (
          <span>
            {item.resource} <code>{item.key}</code>
          </span>
        ) : null}
        {item.environment ? <span class="muted"> in {item.environment}</span> : null}
        <span class="muted"> · {item.source}</span>
        {item.forced ? (
          <span class="badge badge-forced" title="A forced write: it overrode Git (break-glass) and stays drift until the next apply">
            forced · drift
          </span>
        ) : null}
        {item.revision !== null ? <span class="muted"> · revision {item.revision}</span> : null}
        {item.commit ? (
          <span>
            {' · '}
            {link ? (
              <a href={link} rel="noreferrer" target="_blank">
                {item.commit.sha.slice(0, 10)}
              </a>
            ) : (
              <code>{item.commit.sha.slice(0, 10)}</code>
            )}{' '}
            {item.commit.message ? <span class="muted">“{item.commit.message.split('\n')[0]}”</span> : null}
          </span>
        ) : null}
      </div>
      {item.reason ? <p class="reason">Reason: {item.reason}</p> : null}
      {item.before !== undefined || item.after !== undefined ? (
        <details>
          <summary>Changes</summary>
          <FieldDiff before={item.before} after={item.after} />
        </details>
      ) : null}
    </li>
  );
}
