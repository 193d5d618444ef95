import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantState } from '../../core/model/index.js';
import type { Plan } from '../../core/model/schema-types.js';
import type { Diagnostic } from '../../core/validation/types.js';
import { CliError } from '../errors.js';
import { parseRevisionRange } from '../git/revision-range.js';
import { messages } from '../messages.js';
import { loadAndValidate, type ValidationReport } from './validate.js';

export interface RevisionDiffRequest {
  /** `A..B` */
  range: string;
  dir: string;
  tenant: string | undefined;
}

export interface RevisionSide {
  /** As the user wrote it. */
  rev: string;
  sha: string;
}

export type RevisionDiffOutcome =
  | { ok: true; from: RevisionSide; to: RevisionSide; plans: Plan[] }
  | { ok: false; invalid: { side: RevisionSide; report: ValidationReport }[] };

const emptyTenant = (tenant: string): TenantState => ({ tenant, environments: [], flags: [], segments: [] });

/** Diagnostics of a materialised revision name their files `REV:path/in/repo`, not the temp folder. */
function renameFiles(report: ValidationReport, tempDir: string, prefix: string): ValidationReport {
  const rename = (file: string | undefined) => (file !== undefined && file.startsWith(tempDir) ? `${prefix}${file.slice(tempDir.length + 1)}` : file);
  const diagnostics = report.diagnostics.map((d): Diagnostic => {
    const file = rename(d.file);
    return file === undefined ? d : { ...d, file };
  });
  return { ...report, files: report.files.map((f) => rename(f) ?? f), diagnostics };
}

/**
 * `ff diff A..B`: the desired state of the flags directory at two revisions,
 * each loaded and validated like `ff validate`, diffed per tenant with the
 * same computePlan the server runs (base revision 0: no server involved).
 */
export async function diffRevisions(request: RevisionDiffRequest): Promise<RevisionDiffOutcome> {
  const range = parseRevisionRange(request.range);
  const [git, { computePlan }] = await Promise.all([import('../git/materialize.js'), import('../../core/diff/index.js')]);
  const location = await git.locateInRepository(request.dir);
  const from: RevisionSide = { rev: range.from, sha: await git.resolveRevision(location.top, range.from) };
  const to: RevisionSide = { rev: range.to, sha: await git.resolveRevision(location.top, range.to) };

  const work = await mkdtemp(join(tmpdir(), 'ff-diff-'));
  try {
    const load = async (side: RevisionSide, name: string) => {
      const dest = join(work, name);
      await git.materializeAt(location, side.sha, dest);
      const loaded = await loadAndValidate(dest);
      const prefix = `${side.rev}:${location.path === '' ? '' : `${location.path}/`}`;
      return { side, tenants: loaded.tenants, report: renameFiles(loaded.report, dest, prefix) };
    };
    const before = await load(from, 'from');
    const after = await load(to, 'to');
    const invalid = [before, after].filter((s) => !s.report.ok).map(({ side, report }) => ({ side, report }));
    if (invalid.length > 0) return { ok: false, invalid };

    const byKey = (tenants: TenantState[]) => new Map(tenants.map((t) => [t.tenant, t]));
    const was = byKey(before.tenants);
    const now = byKey(after.tenants);
    let keys = [...new Set([...was.keys(), ...now.keys()])].sort();
    if (request.tenant !== undefined) {
      if (!keys.includes(request.tenant)) throw new CliError('UNKNOWN_TENANT', messages.unknownTenant(request.tenant, keys));
      keys = [request.tenant];
    }
    const plans = keys.map((tenant) =>
      computePlan({ tenant, current: was.get(tenant) ?? emptyTenant(tenant), desired: now.get(tenant) ?? emptyTenant(tenant), baseRevision: 0 }),
    );
    return { ok: true, from, to, plans };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
