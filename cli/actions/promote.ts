import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../../core/validation/types.js';
import { CliError } from '../errors.js';
import { assertDirectory } from '../io/repo-dir.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { messages } from '../messages.js';
import { assertEnvironment, findTenant } from './tenant-lookup.js';

export interface PromoteRequest {
  dir: string;
  flags: string[];
  from: string;
  to: string;
  tenant?: string;
  dryRun: boolean;
}

export interface PromotedFile {
  /** As the loader names files (relative to the working directory when under it). */
  file: string;
  before: string;
  after: string;
}

/** The outcome of `ff promote`: what changed, file by file. */
export type PromoteOutcome =
  | { ok: false; stage: 'before' | 'after'; errors: Diagnostic[] }
  | { ok: true; tenant: string; flags: string[]; from: string; to: string; dryRun: boolean; files: PromotedFile[] };

/**
 * Copies each flag's `from` environment configuration onto `to`, in the files
 * that define them. The repository must validate before, and the result after
 * (checked on the rewritten files before anything is written); a dry run
 * writes nothing.
 */
export async function promoteFlags(request: PromoteRequest): Promise<PromoteOutcome> {
  await assertDirectory(request.dir);
  if (request.from === request.to) throw new CliError('USAGE', messages.promoteSameEnvironment(request.from));
  const [{ loadRepository, parseFlagsSource }, { promoteInSource }, { closest }, { checkSemantics }] = await Promise.all([
    import('../../core/repo/index.js'),
    import('../../core/promote/index.js'),
    import('../../core/validation/suggest.js'),
    import('../../core/validation/index.js'),
  ]);
  const loaded = await loadRepository(request.dir, { keepModels: true });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, stage: 'before', errors };
  const models = loaded.models ?? [];

  // Which tenant: --tenant, else the one tenant that has the flags.
  let tenant = request.tenant;
  for (const key of request.flags) {
    const owners = models.filter((m) => m.model.flags.some((f) => f.value.key === key)).map((m) => m.tenant);
    if (owners.length === 0 || (tenant !== undefined && !owners.includes(tenant))) {
      const known = models.filter((m) => tenant === undefined || m.tenant === tenant).flatMap((m) => m.model.flags.map((f) => f.value.key));
      throw new CliError('UNKNOWN_FLAG', messages.unknownFlag(key, closest(key, known)));
    }
    if (tenant === undefined) {
      if (owners.length > 1) throw new CliError('PROMOTE_REFUSED', messages.flagInSeveralTenants(key, owners));
      tenant = owners[0];
    }
  }
  const model = models.find((m) => m.tenant === tenant)!;
  const state = findTenant(loaded.tenants, model.tenant);
  assertEnvironment(state, request.from);
  assertEnvironment(state, request.to);

  const wanted = new Set(request.flags);
  const byFile = new Map<string, Set<string>>();
  for (const located of model.model.flags) {
    if (!wanted.has(located.value.key)) continue;
    const config = located.value.environments?.[request.from];
    if (config === undefined) throw new CliError('PROMOTE_REFUSED', messages.promoteNoFrom(located.value.key, request.from));
    const keys = byFile.get(located.origin.file) ?? new Set<string>();
    keys.add(located.value.key);
    byFile.set(located.origin.file, keys);
  }

  const files: PromotedFile[] = [];
  for (const [file, keys] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = await readFile(file, 'utf8');
    const result = promoteInSource(before, file, keys, request.from, request.to);
    if (result.refused !== undefined) throw new CliError('PROMOTE_REFUSED', messages.promoteRefusedFile(file, result.refused));
    if (result.output !== before) files.push({ file, before, after: result.output });
  }

  // The rewritten files must still validate with the rest of the tenant (same checks as ff validate).
  const rewritten = new Map(files.map((f) => [f.file, parseFlagsSource(f.after, f.file)]));
  const problems: Diagnostic[] = [...rewritten.values()].flatMap((p) => p.diagnostics.filter((d) => d.severity === 'error'));
  if (problems.length === 0 && files.length > 0) {
    const flags = model.model.flags.filter((f) => !rewritten.has(f.origin.file));
    const segments = model.model.segments.filter((s) => !rewritten.has(s.origin.file));
    for (const source of rewritten.values()) {
      const data = source.data as { flags?: unknown[]; segments?: unknown[] };
      (data.flags ?? []).forEach((value, i) => flags.push({ value: value as never, pointer: `/flags/${i}`, origin: source }));
      (data.segments ?? []).forEach((value, i) => segments.push({ value: value as never, pointer: `/segments/${i}`, origin: source }));
    }
    const { positionIssue, describeLocation } = await import('../../core/repo/parse-source.js');
    const issues = checkSemantics({ ...model.model, flags, segments }, describeLocation);
    for (const issue of issues) if (issue.severity === 'error') problems.push(positionIssue(issue.origin, issue));
  }
  if (problems.length > 0) return { ok: false, stage: 'after', errors: problems };

  if (!request.dryRun) for (const f of files) await writeFileAtomic(f.file, f.after);
  return { ok: true, tenant: model.tenant, flags: request.flags, from: request.from, to: request.to, dryRun: request.dryRun, files };
}
