import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TenantState } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import type { UsageResponse } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';
import { messages } from '../messages.js';
import { fetchState } from './remote-plan.js';

/** Where exported files point their editor schema line: a `schemas/` folder beside the flags repository. */
export const DEFAULT_SCHEMA_BASE = '../../schemas';

export interface ExportFile {
  /** Relative to the tenant folder. */
  name: string;
  content: string;
}

export interface ExportReport {
  tenant: string;
  revision: number;
  /** The tenant folder written (out/tenant). */
  dir: string;
  files: string[];
  /** --usage: the usage file written, and how many of the exported flags were evaluated in the window. */
  usage?: { file: string; evaluated: number; flags: number };
}

export interface UsageExport {
  /** Where to write the usage document (JSON), outside the reviewed YAML. */
  file: string;
  /** Window in UTC days up to today (1–365). */
  days: number;
}

/** The document `ff export --usage` writes (docs/lifecycle.md#usage). */
export interface UsageDocument {
  format_version: 1;
  tenant: string;
  server: string;
  /** The revision of the state exported beside it. */
  revision: number;
  exported_at: string;
  days: number;
  since: string;
  /** Every exported flag: never evaluated in the window (or at all) is `evaluations: 0` (`last_evaluated_at: null` when never). */
  flags: Record<string, UsageResponse['flags'][string]>;
}

/**
 * A tenant's state as flags-repository files: tenant.yaml, flags.yaml,
 * segments.yaml and experiments.yaml (each only when it has something to hold), in the canonical
 * `ff fmt` format with the editor's schema line, so `ff validate` accepts
 * them and `ff fmt --check` finds nothing to change.
 */
export async function exportFiles(state: TenantState, schemaBase: string = DEFAULT_SCHEMA_BASE): Promise<ExportFile[]> {
  const [{ Document }, { formatSource }] = await Promise.all([import('yaml'), import('../../core/fmt/index.js')]);
  const base = schemaBase.replace(/\/+$/, '');
  const file = (name: string, schema: string, data: Record<string, unknown>): ExportFile => {
    const source = `# yaml-language-server: $schema=${base}/${schema}\n${new Document(data).toString({ lineWidth: 0 })}`;
    const formatted = formatSource(source, name);
    if (formatted.diagnostics.some((d) => d.severity === 'error')) {
      throw new CliError('INTERNAL', messages.internal(`exported ${name} does not format: ${formatted.diagnostics[0]?.message ?? ''}`));
    }
    return { name, content: formatted.output };
  };
  const tenantDoc: Record<string, unknown> = { version: 1, tenant: state.tenant };
  if (state.name !== undefined) tenantDoc.name = state.name;
  tenantDoc.environments = state.environments;
  const files = [file('tenant.yaml', 'tenant.schema.json', tenantDoc)];
  if (state.flags.length > 0) files.push(file('flags.yaml', 'flags-file.schema.json', { version: 1, flags: state.flags }));
  if (state.segments.length > 0) files.push(file('segments.yaml', 'flags-file.schema.json', { version: 1, segments: state.segments }));
  if ((state.experiments ?? []).length > 0) files.push(file('experiments.yaml', 'flags-file.schema.json', { version: 1, experiments: state.experiments }));
  return files;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** `ff export`: the server's state of one tenant, written as `out/<tenant>/*.yaml`. */
export async function exportTenant(client: ApiClient, tenant: string, out: string, schemaBase?: string, usage?: UsageExport): Promise<ExportReport> {
  const target = join(out, tenant);
  // Checked first, so a refusal costs no request.
  if (!(await isEmptyOrMissing(target))) throw new CliError('EXPORT_REFUSED', messages.exportTargetInUse(target));
  const remote = await fetchState(client, tenant);
  if (remote.state.environments.length === 0) throw new CliError('EXPORT_REFUSED', messages.exportEmpty(tenant));
  const files = await exportFiles({ ...remote.state, tenant }, schemaBase);
  // Read before anything is written: a refused usage read leaves no half export behind.
  const usageRead = usage === undefined ? undefined : await client.get<UsageResponse>('/v1/usage', { tenant, query: { days: usage.days, daily: true } });
  await mkdir(target, { recursive: true });
  for (const f of files) await writeFile(join(target, f.name), f.content);
  const report: ExportReport = { tenant, revision: remote.revision, dir: target, files: files.map((f) => join(target, f.name)) };
  if (usage !== undefined && usageRead !== undefined) {
    const keys = remote.state.flags.map((f) => f.key).sort();
    const never = { last_evaluated_at: null, evaluations: 0, environments: {} };
    const document: UsageDocument = {
      format_version: 1,
      tenant,
      server: client.server,
      revision: remote.revision,
      exported_at: new Date().toISOString(),
      days: usageRead.days,
      since: usageRead.since,
      flags: Object.fromEntries(keys.map((k) => [k, usageRead.flags[k] ?? never])),
    };
    const dir = dirname(usage.file);
    if (dir !== '') await mkdir(dir, { recursive: true });
    await writeFile(usage.file, `${JSON.stringify(document, null, 2)}\n`);
    report.usage = { file: usage.file, evaluated: keys.filter((k) => (usageRead.flags[k]?.evaluations ?? 0) > 0).length, flags: keys.length };
  }
  return report;
}
