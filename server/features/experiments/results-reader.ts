// Experiment results aggregated on a worker thread (SQLite). better-sqlite3
// answers synchronously, so the per-unit aggregation over millions of rows
// would stop this process's event loop — evaluations included — for as long
// as it runs. The worker opens its own read-only connection on the same file:
// in WAL mode a reader never holds up the writer (nor the gate of the main
// connection), and it sees the last committed state.
//
// The worker's code is a plain JavaScript string (eval) rather than a module
// of this tree: it needs nothing but better-sqlite3 and the SQL text, and so
// runs the same from the compiled tree, from TypeScript sources under a test
// runner and from any bundle.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../../errors.js';
import { eventsInRangeSql, summarySql, toMetricSummary, type MetricQuery, type MetricSummary, type SummaryDbRow } from './experiment-data-store.js';

export interface ResultsReaderOptions {
  /** Summaries waiting behind the running one; one more is refused (503). */
  maxQueue: number;
  /** A summary not answered within this many ms fails (503) and its worker is replaced. */
  timeoutMs: number;
}

interface Job {
  query: MetricQuery;
  resolve: (summary: MetricSummary) => void;
  reject: (error: Error) => void;
}

interface Answer {
  id: number;
  rows?: SummaryDbRow[];
  inRange?: number;
  error?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const summary = db.prepare(workerData.summarySql);
const inRange = db.prepare(workerData.eventsInRangeSql);
// Both statements in one read transaction: one committed state.
const run = db.transaction((q) => {
  const rows = summary.all({ tenant: q.tenant, environment: q.environment, experiment: q.experiment, start: q.start, stop: q.stop, event: q.event, window: q.windowMs });
  const n = inRange.get({ tenant: q.tenant, environment: q.environment, event: q.event, start: q.start, stop: q.stop }).n;
  return { rows, inRange: Number(n) };
});
parentPort.on('message', ({ id, query }) => {
  try {
    parentPort.postMessage({ id, ...run(query) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/**
 * One worker, started at the first results call, answering one summary at a
 * time from a bounded queue (first come, first served).
 */
export class ResultsReader {
  private worker: Worker | undefined;
  /** A timed-out worker still finishing its statement: no new one starts before it exits (one aggregation at a time, always). */
  private dying: Worker | undefined;
  private running: { id: number; job: Job; timer: NodeJS.Timeout } | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly options: ResultsReaderOptions,
  ) {}

  metricSummary(query: MetricQuery): Promise<MetricSummary> {
    if (this.closed) return Promise.reject(new ApiError(503, 'SERVICE_UNAVAILABLE', 'the server is shutting down'));
    if ((this.running !== undefined || this.dying !== undefined) && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new ApiError(503, 'SERVICE_UNAVAILABLE', `${this.queue.length + 1} result aggregations are already running or waiting; try again later`, [], { 'retry-after': '5' }),
      );
    }
    return new Promise<MetricSummary>((resolve, reject) => {
      this.queue.push({ query, resolve, reject });
      this.next();
    });
  }

  /** Stops the worker; queued summaries fail. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new ApiError(503, 'SERVICE_UNAVAILABLE', 'the server is shutting down');
    for (const job of this.queue.splice(0)) job.reject(stopped);
    if (this.running !== undefined) {
      clearTimeout(this.running.timer);
      this.running.job.reject(stopped);
      this.running = undefined;
    }
    const worker = this.worker;
    const dying = this.dying;
    this.worker = undefined;
    this.dying = undefined;
    await Promise.all([worker?.terminate(), dying?.terminate()]);
  }

  private next(): void {
    if (this.running !== undefined || this.dying !== undefined || this.closed) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const timer = setTimeout(() => this.timedOut(id), this.options.timeoutMs);
    timer.unref();
    this.running = { id, job, timer };
    worker.ref();
    worker.postMessage({ id, query: job.query });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: this.file,
        summarySql: summarySql((n) => `@${n}`, 'MIN'),
        eventsInRangeSql: eventsInRangeSql((n) => `@${n}`),
      },
    });
    worker.on('message', (answer: Answer) => this.answered(worker, answer));
    worker.on('error', (error) => this.failed(worker, error));
    worker.on('exit', (code) => {
      if (worker === this.dying) {
        this.dying = undefined;
        this.next();
      } else this.failed(worker, new Error(`the results worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private answered(worker: Worker, answer: Answer): void {
    const running = this.running;
    if (worker !== this.worker || running === undefined || running.id !== answer.id) return;
    clearTimeout(running.timer);
    this.running = undefined;
    // An idle worker must not keep the process alive.
    worker.unref();
    if (answer.error !== undefined) running.job.reject(new Error(`results query failed: ${answer.error}`));
    else running.job.resolve(toMetricSummary(answer.rows ?? [], answer.inRange ?? 0));
    this.next();
  }

  /** The worker died (or failed to start): the summary it ran fails, the next one gets a new worker. */
  private failed(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const running = this.running;
    this.running = undefined;
    if (running !== undefined) {
      clearTimeout(running.timer);
      running.job.reject(error);
    }
    this.next();
  }

  /**
   * A statement cannot be interrupted from here: the worker is terminated (it
   * ends when the statement returns) and the next summary gets a new one once
   * it has exited, so timed-out statements never pile up on the cores.
   */
  private timedOut(id: number): void {
    const running = this.running;
    if (running === undefined || running.id !== id) return;
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.dying = worker;
    void worker?.terminate();
    running.job.reject(new ApiError(503, 'SERVICE_UNAVAILABLE', `results took longer than ${this.options.timeoutMs} ms; try again later`, [], { 'retry-after': '30' }));
    this.next();
  }
}
