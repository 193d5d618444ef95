import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from '../api.js';
import { can, expired, readClaims, type Claims } from '../auth/claims.js';
import { finishSignIn, startSignIn, type OidcSettings } from '../auth/oidc.js';
import { sessionTokenStore } from '../auth/session.js';
import { href, parseRoute, type Route } from '../route.js';
import { followStream } from '../sse.js';
import { Tenant, type LiveStatus, type TenantContext } from './context.js';
import { errorText, useHash } from './hooks.js';
import { Message } from './parts.js';
import { AuditView } from './audit.js';
import { FlagList } from './flags.js';
import { FlagPage } from './flag.js';
import { KeysView } from './keys.js';
import { Playground } from './playground.js';
import { SegmentsView } from './segments.js';
import type { Scope } from '../../../core/model/scopes.js';
import type { ConsoleConfig } from '../../../server/features/console/console-config.js';

const store = sessionTokenStore();


export function App() {
  const [token, setToken] = useState<string | null>(store.get());
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);

  useEffect(() => {
    fetch('/ui/config.json')
      .then((r) => r.json() as Promise<ConsoleConfig>)
      .then(async (c) => {
        setConfig(c);
        if (c.oidc === null) return;
        const fromProvider = await finishSignIn(c.oidc);
        if (fromProvider !== null) {
          store.set(fromProvider);
          setToken(fromProvider);
        }
      })
      .catch((error: Error) => setSignInError(error.message));
  }, []);

  const claims = token === null ? null : readClaims(token);
  const signOut = (reason?: string) => {
    store.clear();
    setToken(null);
    setSignInError(reason ?? null);
  };
  if (token === null || claims === null || expired(claims, Date.now())) {
    const problem = token !== null && claims === null ? 'that is not a token this console can read (a JWT with sub, tenants and scope)' : token !== null ? 'the token has expired' : signInError;
    return (
      <SignIn
        oidc={config?.oidc ?? null}
        error={problem}
        onToken={(t) => {
          store.set(t);
          setToken(t.trim());
          setSignInError(null);
        }}
        onProvider={() => config?.oidc && startSignIn(config.oidc).catch((e: Error) => setSignInError(e.message))}
      />
    );
  }
  return <Shell token={token} claims={claims} onSignOut={() => signOut()} onRefused={() => signOut('the server refused the token (expired or revoked): sign in again')} />;
}

function SignIn(props: { oidc: OidcSettings | null; error: string | null; onToken: (t: string) => void; onProvider: () => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="signin">
      <h1>ff console</h1>
      <p>Flags, segments, audit and a playground for evaluating, with the rights of your token: the server checks every call.</p>
      {props.error !== null ? <Message kind="error">{props.error}</Message> : null}
      {props.oidc !== null ? (
        <p>
          <button type="button" class="primary" onClick={props.onProvider}>
            Sign in with {new URL(props.oidc.issuer).host}
          </button>
        </p>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() !== '') props.onToken(value);
        }}
      >
        <label for="token">Bearer token</label>
        <textarea id="token" name="token" rows={4} autocomplete="off" spellcheck={false} value={value} onInput={(e) => setValue((e.target as HTMLTextAreaElement).value)} />
        <p class="muted">Kept in this tab's session storage only, until you sign out or close the tab. <code>ff token</code> mints one.</p>
        <button type="submit" class={props.oidc === null ? 'primary' : ''}>
          Sign in with the token
        </button>
      </form>
    </main>
  );
}

const NAV: { view: Route['view']; label: string; scope: Scope }[] = [
  { view: 'flags', label: 'Flags', scope: 'flags:read' },
  { view: 'segments', label: 'Segments', scope: 'segments:read' },
  { view: 'audit', label: 'Audit', scope: 'audit:read' },
  { view: 'keys', label: 'API keys', scope: 'keys:read' },
  { view: 'playground', label: 'Playground', scope: 'evaluate' },
];

function Shell({ token, claims, onSignOut, onRefused }: { token: string; claims: Claims; onSignOut: () => void; onRefused: () => void }) {
  const route = parseRoute(useHash());
  const tenants = claims.tenants;
  const tenant = route.tenant ?? (tenants !== '*' && tenants.length === 1 ? (tenants[0] ?? null) : null);
  const covered = tenant !== null && (tenants === '*' || tenants.includes(tenant));
  const [revision, setRevision] = useState(0);
  const [marks, setMarks] = useState(0);
  const [live, setLive] = useState<LiveStatus>('off');
  const api = useMemo(() => createApi(token, covered ? tenant : null, onRefused), [token, tenant, covered]);

  useEffect(() => {
    if (!covered || !can(claims, 'evaluate')) {
      setLive('off');
      return;
    }
    const abort = new AbortController();
    setLive('connecting');
    void followStream({
      url: '/v1/stream',
      headers: api.headers(),
      signal: abort.signal,
      onStatus: setLive,
      onRevision: (e) => setRevision((r) => Math.max(r, e.revision)),
      onMarks: () => setMarks((m) => m + 1),
    });
    return () => abort.abort();
  }, [api, covered]);

  const ctx: TenantContext | null = covered ? { tenant, api, claims, can: (s) => can(claims, s), revision, marks, live } : null;
  const view = route.view === 'flag' ? 'flags' : route.view;
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          ff console
        </a>
        <TenantPicker tenants={tenants} current={tenant} />
        {ctx !== null ? (
          <nav aria-label="views">
            {NAV.filter((n) => ctx.can(n.scope)).map((n) => (
              <a key={n.view} href={href({ tenant: ctx.tenant, view: n.view })} aria-current={view === n.view ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
        ) : null}
        <span class="who">
          <LiveIndicator status={live} revision={revision} />
          <span class="sub" title={`scopes: ${[...claims.scopes].join(' ') || '(none)'}`}>
            {claims.sub}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        {tenant === null ? (
          <p>Choose a tenant.</p>
        ) : ctx === null ? (
          <Message kind="error">This token does not cover the tenant {tenant}.</Message>
        ) : (
          <Tenant.Provider value={ctx}>
            <ViewOf route={{ ...route, tenant }} />
          </Tenant.Provider>
        )}
      </main>
    </>
  );
}

function ViewOf({ route }: { route: Route }) {
  switch (route.view) {
    case 'flag':
      return <FlagPage flagKey={route.key ?? ''} params={route.params} />;
    case 'segments':
      return <SegmentsView />;
    case 'audit':
      return <AuditView params={route.params} />;
    case 'keys':
      return <KeysView />;
    case 'playground':
      return <Playground params={route.params} />;
    default:
      return <FlagList params={route.params} />;
  }
}

function LiveIndicator({ status, revision }: { status: LiveStatus; revision: number }) {
  const text: Record<LiveStatus, string> = {
    connecting: 'connecting…',
    live: revision > 0 ? `live · revision ${revision}` : 'live',
    reconnecting: 'reconnecting…',
    refused: 'not live (stream refused)',
    off: 'not live (the token lacks evaluate)',
  };
  return (
    <span class={`live live-${status}`} role="status" data-revision={revision}>
      {text[status]}
    </span>
  );
}

function TenantPicker({ tenants, current }: { tenants: '*' | string[]; current: string | null }) {
  const [typed, setTyped] = useState(current ?? '');
  if (tenants !== '*') {
    if (tenants.length === 0) return <span class="muted">this token covers no tenant</span>;
    return (
      <label class="tenant">
        <span class="visually-hidden">Tenant</span>
        <select value={current ?? ''} onChange={(e) => (location.hash = href({ tenant: (e.target as HTMLSelectElement).value, view: 'flags' }))}>
          {current === null ? <option value="">choose a tenant</option> : null}
          {tenants.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <form
      class="tenant"
      onSubmit={(e) => {
        e.preventDefault();
        if (typed.trim() !== '') location.hash = href({ tenant: typed.trim(), view: 'flags' });
      }}
    >
      <label for="tenant-input" class="visually-hidden">
        Tenant
      </label>
      <input id="tenant-input" placeholder="tenant (the token covers all)" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
      <button type="submit">Open</button>
    </form>
  );
}

export { errorText };
