export interface BannerInfo {
  url: string;
  dev: boolean;
  token?: string;
  generatedSecret?: string;
  seeded?: { dir: string; tenants: number };
  example?: { tenant: string; environment?: string; flag?: string };
}

/** The line of the banner that carries the dev token: scripts read the token back with devTokenFromBanner. */
const TOKEN_LINE = (token: string) => `  export FF_TOKEN=${token}`;

/** The dev token a banner printed, or undefined: what benchmarks and scripts use instead of restating the line. */
export function devTokenFromBanner(text: string): string | undefined {
  return /^ {2}export FF_TOKEN=(\S+)$/m.exec(text)?.[1];
}

/** The start-up text for humans (stdout); logs stay JSON on their own stream. */
export function renderBanner(info: BannerInfo): string {
  const lines = [`ff server listening on ${info.url}`];
  if (info.seeded) lines.push(`loaded ${info.seeded.tenants} tenant(s) from ${info.seeded.dir}`);
  lines.push(`API docs: ${info.url}/docs`, `Console: ${info.url}/ui`);
  if (!info.dev || info.token === undefined) return lines.join('\n') + '\n';
  lines.push('', 'DEV MODE — do not use in production.');
  if (info.generatedSecret) {
    lines.push(`Generated JWT secret (export it as FF_JWT_SECRET to keep tokens valid across restarts):`, `  ${info.generatedSecret}`);
  }
  lines.push('Dev token (HS256, every scope, every tenant, valid 12h):', TOKEN_LINE(info.token));
  const tenant = info.example?.tenant ?? 'acme';
  lines.push('', 'Try:', `  curl -s ${info.url}/v1/flags -H "Authorization: Bearer $FF_TOKEN" -H "X-Tenant-ID: ${tenant}"`);
  if (info.example?.environment && info.example.flag) {
    const body = JSON.stringify({ flag_key: info.example.flag, environment: info.example.environment, context: { targetingKey: 'user-1' } });
    lines.push(
      `  curl -s -X POST ${info.url}/v1/evaluate -H "Authorization: Bearer $FF_TOKEN" -H "X-Tenant-ID: ${tenant}" -H "Content-Type: application/json" -d '${body}'`,
    );
  }
  return lines.join('\n') + '\n';
}
