// Renders a Kustomize overlay with a real kustomize: `kubectl kustomize` (kubectl
// bundles kustomize and ships on the machines this project runs on), or the
// command in FF_KUSTOMIZE (e.g. `kustomize build`). No npm package implements
// kustomize, and a home-made renderer would test itself, not the manifests.
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

function renderer(): [string, string[]] {
  const custom = process.env.FF_KUSTOMIZE?.trim();
  if (custom) {
    const [command, ...args] = custom.split(/\s+/);
    return [command!, args];
  }
  return ['kubectl', ['kustomize']];
}

export function renderOverlay(dir: string): Resource[] {
  const [command, args] = renderer();
  let out: string;
  try {
    out = execFileSync(command, [...args, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${command} is not on PATH: install kubectl (it bundles kustomize) or set FF_KUSTOMIZE="kustomize build"`, { cause: error });
    }
    throw new Error(`${command} ${args.join(' ')} ${dir} failed: ${e.stderr ?? e.message}`, { cause: error });
  }
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered YAML: ${doc.errors[0]!.message}`);
    return doc.toJS() as Resource;
  });
}
