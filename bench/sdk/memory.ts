// SDK memory for a large configuration: the generated repository
// (scripts/gen-repo.mjs, 10,000 flags by default), served as GET /v1/config
// serves one environment, loaded by FfClient (validated, compiled). Retained
// heap after a full collection, against the document alone as a baseline
// (what any client must hold), and the time the load took.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRepository } from '../../core/repo/index.js';
import { documentFromState, loadConfigDocument } from '../../sdk/src/config-document.js';
import { median } from '../lib/stats.js';
import { FfClient } from '../../sdk/src/index.js';

export interface MemoryFigures {
  flags: number;
  segments: number;
  /** Bytes of the GET /v1/config body. */
  configBytes: number;
  /** Retained heap of the parsed document alone, MiB (null without --expose-gc). */
  documentHeapMiB: number | null;
  /** Retained heap of a ready FfClient holding it, MiB (null without --expose-gc). */
  clientHeapMiB: number | null;
  /** new FfClient({bootstrap: {config}}) until READY: validate + compile, ms. */
  loadMs: number;
  /** The next revision with one flag edited, loaded against the previous one (compare, validate and recompile what changed), ms: median of 5. */
  updateOneFlagMs: number;
  /** The same document loaded from scratch (the baseline), ms: median of 5. */
  fullReloadMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapBytes = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

export async function measureMemory(root: string, work: string, flags: number, seed: string): Promise<MemoryFigures> {
  const repo = path.join(work, 'repo');
  const gen = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-repo.mjs'), '--out', repo, '--flags', String(flags), '--tenants', '1', '--seed', seed], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`gen-repo failed: ${gen.stderr}`);
  const loaded = await loadRepository(repo);
  const state = loaded.tenants[0];
  if (state === undefined || loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('the generated repository did not load');
  const json = JSON.stringify(documentFromState(state, 'production', 1));
  loaded.tenants.length = 0;

  const base = heapBytes();
  let document: unknown = JSON.parse(json);
  const withDocument = heapBytes();
  document = undefined;
  const before = heapBytes();
  const start = performance.now();
  let client: FfClient | undefined = new FfClient({ bootstrap: { config: JSON.parse(json) } });
  const loadMs = performance.now() - start;
  if (client.status !== 'READY') throw new Error('the SDK refused the generated configuration');
  const withClient = heapBytes();
  // An update: the server's next revision, one flag's description edited, parsed from JSON as the client does.
  const previous = loadConfigDocument(JSON.parse(json));
  const edited = JSON.parse(json) as { revision: number; flags: { description?: string }[] };
  edited.revision = 2;
  edited.flags[Math.floor(edited.flags.length / 2)]!.description = 'edited by the bench';
  const editedJson = JSON.stringify(edited);
  const time = (load: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      load();
      runs.push(performance.now() - t);
    }
    return median(runs);
  };
  const updateOneFlagMs = time(() => {
    if (loadConfigDocument(JSON.parse(editedJson), undefined, previous).changed.length !== 1) throw new Error('the update did not name exactly the edited flag');
  });
  const fullReloadMs = time(() => loadConfigDocument(JSON.parse(editedJson)));
  const mib = (bytes: number) => (gc === undefined ? null : bytes / 1024 / 1024);
  const figures: MemoryFigures = {
    flags: state.flags.length,
    segments: state.segments.length,
    configBytes: Buffer.byteLength(json),
    documentHeapMiB: mib(withDocument - base),
    clientHeapMiB: mib(withClient - before),
    loadMs,
    updateOneFlagMs,
    fullReloadMs,
  };
  await client.close();
  client = undefined;
  void document;
  return figures;
}
