import type { ApiKeyView, ListPage } from '../api.js';
import { query } from '../api.js';
import { useTenant } from './context.js';
import { errorText, useLoad } from './hooks.js';
import { Badge, Message, when } from './parts.js';

/** API keys: metadata only. The server never returns a secret after the create response, and the console never creates keys. */
export function KeysView() {
  const ctx = useTenant();
  const list = useLoad(() => ctx.api.get<ListPage<ApiKeyView>>(`/v1/api-keys${query({ state: 'all', limit: 200 })}`), [ctx.tenant, ctx.revision]);
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      {list.state === 'error' ? <Message kind="error">{errorText(list.error)}</Message> : null}
      {list.state === 'ok' ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Environment</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.value.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{k.environment}</td>
                  <td>
                    {when(k.created_at)} by {k.created_by}
                  </td>
                  <td>{k.revoked_at === null ? <Badge kind="on">active</Badge> : <Badge kind="off">revoked {when(k.revoked_at)}</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
