import type { ListPage, SegmentView } from '../api.js';
import { query } from '../api.js';
import { describeCondition } from '../model.js';
import { useTenant } from './context.js';
import { errorText, useLoad } from './hooks.js';
import { DriftBadge, ManagedBadge, Message } from './parts.js';

export function SegmentsView() {
  const ctx = useTenant();
  const list = useLoad(() => ctx.api.get<ListPage<SegmentView>>(`/v1/segments${query({ limit: 200 })}`), [ctx.tenant, ctx.revision, ctx.marks]);
  return (
    <section aria-labelledby="segments-title">
      <h1 id="segments-title">Segments</h1>
      {list.state === 'error' ? <Message kind="error">{errorText(list.error)}</Message> : null}
      {list.state === 'ok' ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col">Membership</th>
                <th scope="col">Include / exclude</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {list.value.items.map((s) => (
                <tr key={s.data.key}>
                  <td>
                    <code>{s.data.key}</code>
                    {s.data.description ? <span class="desc">{s.data.description}</span> : null}
                  </td>
                  <td>
                    {(s.data.conditions ?? []).length === 0
                      ? 'no conditions'
                      : (s.data.conditions ?? []).map(describeCondition).join(s.data.match === 'any' ? ' or ' : ' and ')}
                  </td>
                  <td>
                    {s.data.include?.length ?? 0} / {s.data.exclude?.length ?? 0}
                  </td>
                  <td>
                    <ManagedBadge meta={s.meta} /> <DriftBadge meta={s.meta} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
