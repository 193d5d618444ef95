import { useEffect, useRef, useState } from 'preact/hooks';
import type { Flag } from '../../../core/model/index.js';
import { ApiError, type FlagView } from '../api.js';
import { withEnabled } from '../model.js';
import { useTenant } from './context.js';
import { errorText } from './hooks.js';
import { Message } from './parts.js';

/** The header a forced write carries its reason in (percent-encoded UTF-8); the server records it on the audit row. */
export const REASON_HEADER = 'x-change-reason';

/**
 * The kill switch: disable (or enable) a flag in one environment, now,
 * whatever Git says. A forced REST write (`?force=true`) with the current
 * ETag, so it changes exactly the version shown; the server records it as
 * drift with the reason, and the next plan shows it.
 */
export function BreakGlass({ flag, env, enable, onClose, onWritten }: { flag: Flag; env: string; enable: boolean; onClose: () => void; onWritten: () => void }) {
  const ctx = useTenant();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const verb = enable ? 'enable' : 'disable';
  const ready = reason.trim().length > 0 && typed.trim() === flag.key && !busy;

  const submit = async () => {
    setBusy(true);
    setError(null);
    const path = `/v1/flags/${encodeURIComponent(flag.key)}`;
    try {
      const { body, etag } = await ctx.api.getWithEtag<FlagView>(path);
      const next = withEnabled(body.data, env, enable);
      if (next === null) throw new Error(`${flag.key} has no configuration in ${env}`);
      await ctx.api.send('PUT', `${path}?force=true`, next, { 'if-match': etag ?? '*', [REASON_HEADER]: encodeURIComponent(reason.trim()) });
      onWritten();
      dialog.current?.close();
      onClose();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? 'the flag changed meanwhile: close this and look again' : errorText(e as Error));
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="break-glass" aria-labelledby="bg-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void submit();
        }}
      >
        <h2 id="bg-title">
          {enable ? 'Enable' : 'Disable'} {flag.key} in {env}
        </h2>
        <p>
          This writes to the server now, outside Git. It is recorded in the audit log as drift; <code>ff plan</code> shows it, and the next apply from Git undoes it unless
          the change is committed (<code>ff export --drift</code> writes it into the files).
        </p>
        <label for="bg-reason">Reason (recorded in the audit log)</label>
        <textarea id="bg-reason" required rows={2} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        <label for="bg-confirm">
          Type <code>{flag.key}</code> to confirm
        </label>
        <input id="bg-confirm" autocomplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
        {error !== null ? <Message kind="error">{error}</Message> : null}
        <div class="actions">
          <button type="button" onClick={() => (dialog.current?.close(), onClose())}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={!ready}>
            {verb} {flag.key} in {env}
          </button>
        </div>
      </form>
    </dialog>
  );
}
