// Reading and matching files for `ff refs`, on this thread or on worker
// threads: with many files, one worker per further core reads and matches its
// share while this thread does its own. A worker runs this same module (the
// check at the bottom; in the installed bundle, main.ts starts it), so the
// package needs no separate worker file.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RefsConfig } from '../../core/model/index.js';
import { RefMatcher, type RefMatch } from '../../core/refs/index.js';
import { readSourceBytes } from '../io/source-files.js';
import { isRefsSearchJob, REFS_SEARCH_ROLE } from './refs-worker.js';

export interface FoundReference extends RefMatch {
  file: string;
}

export interface SearchResult {
  searched: number;
  references: FoundReference[];
  /** Threads that searched (this one and the workers that started). */
  threads: number;
}

interface Job {
  role: typeof REFS_SEARCH_ROLE;
  root: string;
  files: string[];
  keys: string[];
  config: RefsConfig | undefined;
}

/** Below this many files a worker costs more to start than it saves. */
const FILES_PER_WORKER = 5000;

function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

function searchHere(root: string, files: readonly string[], matcher: RefMatcher): SearchResult {
  const references: FoundReference[] = [];
  let searched = 0;
  for (const relative of files) {
    const absolute = path.join(root, relative);
    const bytes = readSourceBytes(absolute);
    if (bytes === undefined) continue;
    searched++;
    const found = matcher.scanBytes(bytes);
    if (found.length > 0) {
      const file = display(absolute);
      for (const match of found) references.push({ file, ...match });
    }
  }
  return { searched, references, threads: 1 };
}

function searchInWorker(job: Job): Promise<SearchResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
    worker.once('message', (result: SearchResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`ff refs worker exited with ${code}`));
    });
  });
}

/** Searches `files` (relative to `root`), spreading them over the cores when there are many. */
export async function searchFiles(root: string, files: readonly string[], keys: string[], config: RefsConfig | undefined): Promise<SearchResult> {
  const matcher = new RefMatcher(keys, config);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const parts = Math.max(1, Math.min(cores, 4, Math.floor(files.length / FILES_PER_WORKER)));
  if (parts === 1) return searchHere(root, files, matcher);
  // Interleaved shares: neighbouring files (one folder) cost alike, so each share costs about the same.
  const shares = Array.from({ length: parts }, (_, p) => files.filter((_, i) => i % parts === p));
  const others = shares.slice(1).map((share) =>
    // A worker that cannot start (say, an unusual loader) leaves its share to this thread.
    searchInWorker({ role: REFS_SEARCH_ROLE, root, files: share, keys, config }).catch(() => ({ ...searchHere(root, share, matcher), threads: 0 })),
  );
  const mine = searchHere(root, shares[0]!, matcher);
  const results = [mine, ...(await Promise.all(others))];
  return {
    searched: results.reduce((n, r) => n + r.searched, 0),
    references: results.flatMap((r) => r.references),
    threads: results.reduce((n, r) => n + r.threads, 0),
  };
}

if (!isMainThread && isRefsSearchJob(workerData)) {
  const job = workerData as Job;
  parentPort!.postMessage(searchHere(job.root, job.files, new RefMatcher(job.keys, job.config)));
}
