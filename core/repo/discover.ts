// Finding a repository's tenant folders and YAML files, with their sizes,
// without reading any of them (the size caps are checked on these numbers).
// Names starting with "." are ignored; symbolic links and other non-regular
// files are skipped (a link could lead out of the repository, or to a device).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const TENANT_FILE = 'tenant.yaml';

export interface RepoFile {
  absolute: string;
  size: number;
}

export interface TenantFolder {
  /** Folder name: must equal the tenant key. */
  name: string;
  absolute: string;
  tenantFile: RepoFile | undefined;
  /** Every other YAML file, sorted by path. */
  flagFiles: RepoFile[];
}

export interface Discovery {
  tenants: TenantFolder[];
  /** YAML files at the repository root, outside any tenant folder. */
  stray: string[];
  /** Links and special files that look like YAML or folders, skipped. */
  skipped: string[];
}

const YAML_FILE = /\.ya?ml$/i;
const STAT_BATCH = 64;

async function withSizes(paths: string[]): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((p) => stat(p)));
    batch.forEach((absolute, j) => files.push({ absolute, size: (stats[j] as { size: number }).size }));
  }
  return files;
}

async function collectYaml(dir: string, found: string[], skipped: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) await collectYaml(absolute, found, skipped);
    else if (entry.isFile()) {
      if (YAML_FILE.test(entry.name)) found.push(absolute);
    } else if (YAML_FILE.test(entry.name) || entry.isSymbolicLink()) skipped.push(absolute);
  }
}

async function tenantFolder(absolute: string, skipped: string[]): Promise<TenantFolder | undefined> {
  const found: string[] = [];
  await collectYaml(absolute, found, skipped);
  if (found.length === 0) return undefined;
  found.sort();
  const tenantPath = path.join(absolute, TENANT_FILE);
  const files = await withSizes(found);
  return {
    name: path.basename(absolute),
    absolute,
    tenantFile: files.find((f) => f.absolute === tenantPath),
    flagFiles: files.filter((f) => f.absolute !== tenantPath),
  };
}

/**
 * The tenant folders of the repository at `root` (absolute). When `root` itself
 * holds a tenant.yaml it is one tenant's folder, loaded alone. Folders holding
 * no YAML file at all are not tenants and are ignored.
 */
export async function discover(root: string, only?: string): Promise<Discovery> {
  const skipped: string[] = [];
  const stray: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  if (only === undefined && entries.some((e) => e.isFile() && e.name === TENANT_FILE)) {
    const single = await tenantFolder(root, skipped);
    return { tenants: single ? [single] : [], stray, skipped };
  }
  const tenants: TenantFolder[] = [];
  const names = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    const absolute = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (only !== undefined && entry.name !== only) continue;
      const folder = await tenantFolder(absolute, skipped);
      if (folder) tenants.push(folder);
    } else if (only === undefined && entry.isFile() && YAML_FILE.test(entry.name)) {
      stray.push(absolute);
    } else if (only === undefined && (entry.isSymbolicLink() || YAML_FILE.test(entry.name))) {
      skipped.push(absolute);
    }
  }
  return { tenants, stray, skipped };
}
