/**
 * What the page reads before signing in (GET /ui/config.json): how it may
 * sign in — the identity provider, when one is configured. Its own module,
 * free of server imports, so the console (built for the browser) imports
 * the type instead of restating it.
 */
export interface ConsoleConfig {
  oidc: { issuer: string; client_id: string; scope: string } | null;
}
