// One tenant folder's parsed files → its TenantState, the tenant-level
// diagnostics (missing tenant.yaml, folder name, emptiness) and the semantic
// model whose issues point back into the files.
import type { Environment, Experiment, Flag, Segment, TenantFile, TenantState } from '../model/index.js';
import type { SemanticModel } from '../validation/semantic/index.js';
import { splitByValidity } from '../validation/state-model.js';
import type { Diagnostic } from '../validation/types.js';
import { diagnosticAtFileStart } from '../yaml/positions.js';
import { positionIssue } from './parse-source.js';
import type { ParsedSource } from './parse-source.js';
import { makeIssue } from '../validation/issue.js';

export interface ParsedTenantFolder {
  name: string;
  /** Undefined when the folder has no tenant.yaml; present but with data undefined when it could not be read. */
  tenantFile: ParsedSource | undefined;
  flagFiles: ParsedSource[];
  /** Display path of the folder's first YAML file (for folder-level diagnostics). */
  firstFile: string;
  /** tenant.yaml exists but was refused before parsing (too large, unreadable). */
  tenantFileRefused: boolean;
  /** Some file of the folder was refused before parsing: the folder's content is not fully known. */
  anyFileRefused: boolean;
}

export interface AssembledTenant {
  state: TenantState | undefined;
  /** tenant.yaml's `lifetimes` when they passed the schema. */
  lifetimes: TenantFile['lifetimes'];
  model: SemanticModel<ParsedSource>;
  diagnostics: Diagnostic[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function tenantEnvironments(tenantFile: ParsedSource | undefined): Environment[] | undefined {
  const data = record(tenantFile?.data);
  if (tenantFile === undefined || data === undefined) return undefined;
  if (!Array.isArray(data.environments) || tenantFile.schemaIssues.some((i) => i.pointer.startsWith('/environments'))) return undefined;
  return data.environments as Environment[];
}

export function assembleTenant(folder: ParsedTenantFolder): AssembledTenant {
  const diagnostics: Diagnostic[] = [];
  const { tenantFile } = folder;
  const tenantData = record(tenantFile?.data);

  if (tenantFile === undefined && !folder.tenantFileRefused) {
    diagnostics.push(
      diagnosticAtFileStart(
        'TENANT_FILE_MISSING',
        `tenant folder "${folder.name}" has no tenant.yaml (it declares the tenant key and its environments)`,
        folder.firstFile,
      ),
    );
  }
  const tenantKey = typeof tenantData?.tenant === 'string' ? tenantData.tenant : undefined;
  const tenantKeyValid = tenantFile !== undefined && !tenantFile.schemaIssues.some((i) => i.pointer === '/tenant');
  if (tenantFile !== undefined && tenantKey !== undefined && tenantKeyValid && tenantKey !== folder.name) {
    const issue = makeIssue('TENANT_MISMATCH', `tenant "${tenantKey}" is declared in folder "${folder.name}": the folder name must equal the tenant key`, '/tenant');
    diagnostics.push(positionIssue(tenantFile, issue));
  }

  const environments = tenantEnvironments(tenantFile);
  const model: SemanticModel<ParsedSource> = {
    environments: environments?.map((value, index) => ({ value, pointer: `/environments/${index}`, origin: tenantFile as ParsedSource })),
    flags: [],
    segments: [],
    unverifiedSegmentKeys: new Set(),
    experiments: [],
  };
  const experiments = model.experiments as NonNullable<typeof model.experiments>;
  const unverified = new Set<string>();
  let declared = 0;
  for (const file of folder.flagFiles) {
    const data = record(file.data);
    if (data === undefined) continue;
    const flags = splitByValidity<Flag, ParsedSource>(data.flags, '/flags', file.schemaIssues, file);
    const segments = splitByValidity<Segment, ParsedSource>(data.segments, '/segments', file.schemaIssues, file);
    model.flags.push(...flags.valid);
    model.segments.push(...segments.valid);
    experiments.push(...splitByValidity<Experiment, ParsedSource>(data.experiments, '/experiments', file.schemaIssues, file).valid);
    for (const key of segments.invalidKeys) unverified.add(key);
    declared += (Array.isArray(data.flags) ? data.flags.length : 0) + (Array.isArray(data.segments) ? data.segments.length : 0);
  }
  model.unverifiedSegmentKeys = unverified;

  const readAll = !folder.anyFileRefused && folder.flagFiles.every((f) => f.data !== undefined);
  if (tenantFile !== undefined && tenantKey !== undefined && declared === 0 && readAll) {
    diagnostics.push(positionIssue(tenantFile, makeIssue('TENANT_EMPTY', `tenant "${tenantKey}" declares no flags and no segments`, '/tenant')));
  }

  let state: TenantState | undefined;
  if (tenantKey !== undefined) {
    state = {
      tenant: tenantKey,
      environments: environments ?? [],
      flags: model.flags.map((f) => f.value),
      segments: model.segments.map((s) => s.value),
    };
    if (experiments.length > 0) state.experiments = experiments.map((e) => e.value);
    if (typeof tenantData?.name === 'string') state.name = tenantData.name;
  }
  const lifetimes =
    tenantFile !== undefined && record(tenantData?.lifetimes) !== undefined && !tenantFile.schemaIssues.some((i) => i.pointer.startsWith('/lifetimes'))
      ? (tenantData?.lifetimes as TenantFile['lifetimes'])
      : undefined;
  return { state, lifetimes, model, diagnostics };
}
