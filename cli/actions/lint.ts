import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LintFinding } from '../../core/lint/index.js';
import type { LintSeverity } from '../../core/lint/codes.js';
import type { LintConfig } from '../../core/model/index.js';
import type { Diagnostic } from '../../core/validation/types.js';
import { CliError } from '../errors.js';
import type { UsageResponse } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';
import { assertDirectory } from '../io/repo-dir.js';
import { messages } from '../messages.js';

export interface LintRequest {
  dir: string;
  /** The moment judged at, epoch milliseconds (the CLI's clock, or --at). */
  now: number;
  /** --config: a lint configuration other than DIR/.ff-lint.yaml. */
  configFile?: string;
  /** Whether to read flag ages from Git (--no-history turns it off). */
  history: boolean;
  /** --usage: the server to read evaluation usage from (absent: lint offline). */
  usage?: ApiClient;
}

/** The outcome of `ff lint`: plain data that every output format renders. */
export interface LintReport {
  dir: string;
  /** ISO-8601 of the moment judged at. */
  at: string;
  /** Where the severities came from, or null for the defaults. */
  config: string | null;
  /** Ages came from Git history; false when the directory is not in a repository with commits (or --no-history). */
  history: boolean;
  /** The Git history is a shallow clone: ages can be younger than they are. */
  shallow: boolean;
  /** The server usage was read from (--usage), or null: offline, no LINT_NOT_EVALUATED. */
  usageFrom: string | null;
  tenants: number;
  flags: number;
  counts: Record<LintSeverity, number>;
  findings: LintFinding[];
}

/** Either a report, or the validation errors that stopped lint (an invalid repository is validate's business). */
export type LintOutcome = { ok: true; report: LintReport } | { ok: false; errors: Diagnostic[] };

async function readConfig(request: LintRequest): Promise<{ config: LintConfig | undefined; file: string | null }> {
  const { LINT_CONFIG_FILE, readLintConfig } = await import('../../core/lint/index.js');
  const file = request.configFile ?? path.join(request.dir, LINT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (request.configFile === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: undefined, file: null };
    throw new CliError('IO', messages.ioFailure(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  const read = readLintConfig(text, file);
  if (!read.ok) {
    const { renderDiagnosticLines } = await import('../render/diagnostic-line.js');
    const { paletteFor } = await import('../io/colors.js');
    throw new CliError('LINT_CONFIG_INVALID', messages.lintConfigInvalid(file, read.diagnostics.length), renderDiagnosticLines(read.diagnostics, paletteFor(process.stderr)).trimEnd());
  }
  return { config: read.config, file };
}

export async function lintRepositoryAt(request: LintRequest): Promise<LintOutcome> {
  await assertDirectory(request.dir);
  const [{ loadRepository }, { lintRepository }, { config, file }] = await Promise.all([
    import('../../core/repo/index.js'),
    import('../../core/lint/index.js'),
    readConfig(request),
  ]);
  const loaded = await loadRepository(request.dir, { keepModels: true });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, errors };
  const models = loaded.models ?? [];
  const firstSeen = request.history
    ? await (await import('../git/first-seen.js')).readFirstSeen(request.dir, models.length === 1 ? models[0]!.tenant : undefined)
    : undefined;
  const usage = request.usage === undefined ? undefined : await readUsage(request.usage, models.map((m) => m.tenant), config?.unusedDays);
  const findings = lintRepository({
    models,
    now: request.now,
    config,
    ...(firstSeen ? { firstSeen: (t, k) => firstSeen.get(t, k) } : {}),
    ...(usage ? { usage: (t, k) => (usage.has(t) ? (usage.get(t)?.get(k) ?? null) : undefined) } : {}),
  });
  const counts: Record<LintSeverity, number> = { error: 0, warning: 0, notice: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return {
    ok: true,
    report: {
      dir: request.dir,
      at: new Date(request.now).toISOString(),
      config: file,
      history: firstSeen !== undefined,
      shallow: firstSeen?.shallow ?? false,
      usageFrom: request.usage?.server ?? null,
      tenants: models.length,
      flags: models.reduce((n, m) => n + m.model.flags.length, 0),
      counts,
      findings,
    },
  };
}

/** GET /v1/usage of each tenant: the latest evaluation of each flag the server has seen evaluated. */
async function readUsage(client: ApiClient, tenants: readonly string[], days: number | undefined): Promise<Map<string, Map<string, string | null>>> {
  const out = new Map<string, Map<string, string | null>>();
  for (const tenant of tenants) {
    const response = await client.get<UsageResponse>('/v1/usage', { tenant, query: { days: days ?? 30 } });
    out.set(tenant, new Map(Object.entries(response.flags ?? {}).map(([key, u]) => [key, u.last_evaluated_at])));
  }
  return out;
}

const RANK: Record<LintSeverity, number> = { notice: 0, warning: 1, error: 2 };

/** Whether the report passes: no finding at `failOn` or above. */
export function lintPassed(report: LintReport, failOn: LintSeverity): boolean {
  return report.findings.every((f) => RANK[f.severity] < RANK[failOn]);
}
