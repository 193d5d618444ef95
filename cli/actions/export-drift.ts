import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Change } from '../../core/model/schema-types.js';
import type { Section, WriteBackEdit } from '../../core/writeback/index.js';
import { CliError } from '../errors.js';
import type { ApiClient } from '../http/client.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { messages } from '../messages.js';
import { loadDesiredState } from './desired-state.js';
import { postPlan } from './remote-plan.js';
import type { ValidationReport } from './validate.js';

export interface DriftExportReport {
  tenant: string;
  /** The plan's base revision: the server state written back. */
  revision: number;
  /** `resource:key` of every drifted resource, in plan order. */
  resources: string[];
  /** Files rewritten (or created), sorted. */
  files: string[];
}

export type DriftExportOutcome = { ok: false; report: ValidationReport } | { ok: true; report: DriftExportReport };

const SECTION: Record<Change['resource'], Section> = { flag: 'flags', segment: 'segments', environment: 'environments' };

/**
 * The server's side of a drifted change, as an edit to the files. The plan is
 * written from the files' point of view: `before` is what the server holds.
 * An update or a server-only resource (a delete in the plan) takes the
 * server's document; a files-only one (a forced archive: a create) is removed.
 */
function editOf(change: Change): WriteBackEdit {
  return { section: SECTION[change.resource], key: change.key, doc: change.action === 'create' ? null : ((change.before ?? null) as Record<string, unknown> | null) };
}

/**
 * `ff export --drift`: asks the server for the plan of the files (the same
 * dry run `ff plan` shows) and writes every drifted resource's server version
 * back into the file that declares it, comments kept; a resource only the
 * server has goes into the tenant's flags.yaml (created when missing). After
 * it, the plan of the files shows no drift: commit, review, apply.
 */
export async function exportDrift(client: ApiClient, tenant: string, dir: string): Promise<DriftExportOutcome> {
  const desired = await loadDesiredState(dir, tenant, null);
  if (!desired.ok) return desired;
  const plan = await postPlan(client, { tenant, state: desired.state, environments: null });
  const drifted = plan.changes.filter((c) => c.drift !== undefined);
  const report: DriftExportReport = { tenant, revision: plan.base_revision, resources: drifted.map((c) => `${c.resource}:${c.key}`), files: [] };
  if (drifted.length === 0) return { ok: true, report };

  const [{ loadRepository }, { writeBackInSource }] = await Promise.all([import('../../core/repo/index.js'), import('../../core/writeback/index.js')]);
  const loaded = await loadRepository(dir, { keepModels: true });
  const model = loaded.models?.find((m) => m.tenant === tenant);
  if (model === undefined) throw new CliError('UNKNOWN_TENANT', messages.unknownTenant(tenant, (loaded.models ?? []).map((m) => m.tenant)));
  const fileOf = new Map<string, string>();
  for (const e of model.model.environments ?? []) fileOf.set(`environments:${e.value.key}`, e.origin.file);
  for (const f of model.model.flags) fileOf.set(`flags:${f.value.key}`, f.origin.file);
  for (const s of model.model.segments) fileOf.set(`segments:${s.value.key}`, s.origin.file);

  const tenantFile = (model.model.environments ?? [])[0]?.origin.file;
  const newcomers = tenantFile === undefined ? join(dir, tenant, 'flags.yaml') : join(tenantFile, '..', 'flags.yaml');
  const byFile = new Map<string, WriteBackEdit[]>();
  for (const edit of drifted.map(editOf)) {
    const file = fileOf.get(`${edit.section}:${edit.key}`) ?? (edit.doc === null ? undefined : newcomers);
    if (file === undefined) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), edit]);
  }
  for (const [file, edits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    const result = writeBackInSource(before ?? 'version: 1\n', file, edits, file === newcomers);
    if (result.refused !== undefined) throw new CliError('EXPORT_REFUSED', messages.driftExportRefused(file, result.refused));
    if (before === null) await writeFile(file, result.output);
    else if (result.output !== before) await writeFileAtomic(file, result.output);
    report.files.push(file);
  }
  return { ok: true, report };
}
