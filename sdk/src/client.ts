// The ff client: evaluates in process with core/'s engine over the last good
// configuration, and keeps that configuration live — GET /v1/config with
// ETag, GET /v1/stream to learn of new revisions (resumed with Last-Event-ID,
// reconnected with jittered backoff), polling while the stream is down.
// Evaluation is synchronous and never throws; network and file trouble become
// events and a status, never exceptions in the caller's request path.
import { Telemetry, type ExposureEvent, type TelemetryOptions } from './telemetry.js';
import { evaluate as engineEvaluate, type EvaluationContext, type EvaluationResult, type Snapshot } from '../../core/engine/index.js';
import type { EnvironmentConfigDocument, FlagType, JsonValue, TenantState } from '../../core/model/index.js';
import { documentFromState, loadConfigDocument, rebuildAt, type LoadedConfig } from './config-document.js';
import { SdkError } from './errors.js';
import { readConfigFile, writeConfigFile } from './persist.js';
import { runStream, type RevisionEventData } from './sse.js';

/** Where the configuration in use came from. */
export type ConfigSource = 'server' | 'bootstrap' | 'persisted';

/**
 * NOT_READY: no configuration yet. READY: a configuration, and the server
 * (or an offline bootstrap) is known current. STALE: a configuration, but the
 * server cannot be reached to confirm it (answers keep coming from it).
 */
export type ClientStatus = 'NOT_READY' | 'READY' | 'STALE';

/** A configuration to start from before (or instead of) the server. */
export type Bootstrap =
  /** A file written by `persistPath` in an earlier run, or a saved GET /v1/config body. */
  | { file: string }
  /** An ff flags repository (offline mode): loaded and validated as `ff validate` does. */
  | { flagsDir: string; tenant: string; environment: string }
  /** A configuration document (GET /v1/config's shape), validated like one from the server. */
  | { config: unknown }
  /** A tenant's whole state (a flags folder's shape), narrowed to one environment. */
  | { state: TenantState; environment: string };

export interface FfClientOptions {
  /** Base URL of the ff server, e.g. http://localhost:8000. Absent: offline, from `bootstrap` only. */
  server?: string;
  /** An evaluation API key (bound to one tenant and environment), sent as X-API-Key. */
  apiKey?: string;
  /** The environment to ask for; needed with a JWT in `headers`, optional with an API key (its own). */
  environment?: string;
  /** Extra request headers (e.g. `authorization` and `x-tenant-id` for a JWT instead of an API key). */
  headers?: Record<string, string>;
  bootstrap?: Bootstrap;
  /**
   * A file to keep the last good configuration from the server in. Read at
   * start when it exists (before any bootstrap), rewritten after each change.
   */
  persistPath?: string;
  /** Subscribe to GET /v1/stream (default true); false: poll only. */
  stream?: boolean;
  /** Polling period while the stream is down or turned off (default 30 s). */
  pollIntervalMs?: number;
  /** Stream reconnection backoff: the delay doubles from `initialDelayMs` up to `maxDelayMs`, each one jittered (default 500 ms → 30 s). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * The clock progressive rollouts (schedules) resolve at, epoch ms (default
   * Date.now): the engine never reads one, the client compiles at its moment
   * and again when the next schedule step starts, as the server does.
   */
  clock?: () => number;
  /** A number in [0, 1) for the backoff's jitter (default Math.random; inject one to make delays reproducible). */
  random?: () => number;
  /** One config request's time limit (default 10 s). */
  requestTimeoutMs?: number;
  /** No bytes on the stream for this long: the connection is dropped and reopened (default 45 s, three server heartbeats). */
  streamIdleTimeoutMs?: number;
  /**
   * Called once per unit, variant and running experiment when an evaluation
   * randomizes the unit into it (an exposure), synchronously: keep it cheap.
   * Exposures are also uploaded to the server in batches (see `telemetry`).
   */
  onExposure?: (exposure: ExposureEvent) => void;
  /** Batched upload of exposures and track() events (on by default with a server). */
  telemetry?: Omit<TelemetryOptions, 'onExposure'>;
}

export interface ReadyEvent {
  revision: number;
  source: ConfigSource;
}
export interface ChangeEvent {
  revision: number;
  previousRevision: number;
  /** Flag keys whose answers may have changed, sorted. */
  changed: string[];
  source: ConfigSource;
}
export interface StaleEvent {
  message: string;
}
export interface ErrorEvent {
  error: SdkError;
}
export interface ClientEvents {
  /** The first configuration arrived, or the client is current again after STALE. */
  ready: ReadyEvent;
  /** A new configuration replaced the one in use. */
  change: ChangeEvent;
  /** The server cannot be reached; answers come from the last good configuration. */
  stale: StaleEvent;
  /** Something failed (a request, a file, an invalid configuration that was refused). Informational. */
  error: ErrorEvent;
}
type Listener<E extends keyof ClientEvents> = (event: ClientEvents[E]) => void;

/** An evaluation error code: the engine's, plus PROVIDER_NOT_READY before the first configuration. */
export type ErrorCode = NonNullable<EvaluationResult['errorCode']> | 'PROVIDER_NOT_READY';
/**
 * The engine's answer; before the first configuration, reason ERROR with
 * PROVIDER_NOT_READY. The revision it came from is the client's `revision`.
 */
export type Evaluation = Omit<EvaluationResult, 'errorCode'> & { errorCode?: ErrorCode };

/** A typed answer: on any error (or a type mismatch) the caller's default, reason ERROR and the code. */
export interface Details<T> {
  flagKey: string;
  value: T;
  variant: string | null;
  reason: EvaluationResult['reason'];
  ruleId?: string;
  bucket?: number;
  errorCode?: ErrorCode | 'TYPE_MISMATCH';
  errorMessage?: string;
  /** The configuration revision the answer came from (0 before the first one, and offline). */
  revision: number;
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});
const DEFAULTS = { pollIntervalMs: 30_000, initialDelayMs: 500, maxDelayMs: 30_000, requestTimeoutMs: 10_000, streamIdleTimeoutMs: 45_000 };

function typeOf(value: unknown): FlagType {
  const type = typeof value;
  return type === 'boolean' || type === 'string' || type === 'number' ? type : 'object';
}

function asSdkError(error: unknown, code: 'NETWORK_ERROR' | 'FILE_ERROR' | 'INVALID_CONFIG', what: string): SdkError {
  if (error instanceof SdkError) return error;
  const message = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
  return new SdkError(code, `${what}: ${message}`, undefined, { cause: error });
}

export class FfClient {
  #config: LoadedConfig | undefined;
  #source: ConfigSource = 'bootstrap';
  #status: ClientStatus = 'NOT_READY';
  readonly #listeners = new Map<keyof ClientEvents, Set<(event: never) => void>>();
  readonly #options: FfClientOptions;
  readonly #abort = new AbortController();
  readonly #readyWaiters = new Set<() => void>();
  #streamUp = false;
  #constructing = false;
  /** Closed, or offline with a bootstrap that failed: no configuration will ever come. */
  #noMoreConfig = false;
  #lastFetchFailed = false;
  #lastEventId: string | undefined;
  #fetching: Promise<void> | undefined;
  #fetchAgain = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #scheduleTimer: NodeJS.Timeout | undefined;
  #retryAttempt = 0;
  #persisting: Promise<void> = Promise.resolve();
  readonly #started: Promise<void>;
  // Jitter keeps a fleet of clients from reconnecting in lockstep after a server restart: real randomness by default.
  // eslint-disable-next-line no-restricted-syntax
  readonly #random: () => number = Math.random;

  readonly #telemetry: Telemetry;

  constructor(options: FfClientOptions) {
    this.#options = options;
    const uploader = options.server === undefined ? undefined : { post: (path: string, body: unknown) => this.#post(path, body) };
    this.#telemetry = new Telemetry({ ...options.telemetry, ...(options.onExposure === undefined ? {} : { onExposure: options.onExposure }) }, uploader, options.environment, () => this.#now());
    if (options.random !== undefined) this.#random = options.random;
    if (options.server === undefined && options.bootstrap === undefined && options.persistPath === undefined) {
      throw new SdkError('INVALID_OPTIONS', 'give a server, a bootstrap or a persistPath: with none there is nothing to evaluate');
    }
    // Synchronous sources first, so a client built from a file answers on its next line.
    this.#constructing = true;
    this.#loadLocalSync();
    this.#constructing = false;
    this.#started = this.#start();
  }

  /** NOT_READY, READY or STALE. */
  get status(): ClientStatus {
    return this.#status;
  }

  /** The revision in use (undefined before the first configuration; 0 for an offline bootstrap). */
  get revision(): number | undefined {
    return this.#config?.document.revision;
  }

  /** The compiled snapshot in use: what the OpenFeature provider and the benchmarks read. */
  get snapshot(): Snapshot | undefined {
    return this.#config?.snapshot;
  }

  /**
   * Resolves true once a configuration is in use; false after `timeoutMs`,
   * on close(), or when an offline bootstrap failed. Never rejects.
   */
  ready(timeoutMs?: number): Promise<boolean> {
    if (this.#config !== undefined) return Promise.resolve(true);
    if (this.#noMoreConfig) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.#readyWaiters.delete(done);
        resolve(this.#config !== undefined);
      };
      this.#readyWaiters.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
    });
  }

  on<E extends keyof ClientEvents>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** The engine's answer for one flag. Synchronous, in memory, never throws. */
  evaluate(flagKey: string, context?: EvaluationContext): Evaluation {
    const snapshot = this.#config?.snapshot;
    if (snapshot === undefined) return notReady(flagKey);
    // Only an absent context is empty: null is the engine's INVALID_CONTEXT, as everywhere.
    const result = engineEvaluate(snapshot, flagKey, context === undefined ? EMPTY_CONTEXT : context);
    const exposures = this.#config?.exposures;
    if (exposures !== undefined) this.#telemetry.observe(exposures, result, context, snapshot.revision);
    return result;
  }

  /**
   * A metric event for an experiment (a conversion, or an amount for a mean
   * metric): `unit` is the randomization unit's value (the targeting key, or
   * what the rollout buckets by). Queued and uploaded in batches; never throws.
   */
  track(event: string, unit: string, value?: number): void {
    this.#telemetry.track(event, unit, value);
  }

  /** Uploads the queued exposures and events now. Never rejects. */
  flush(): Promise<void> {
    return this.#telemetry.flush();
  }

  /**
   * A typed answer: the flag's value when the engine served one of the type
   * of `defaultValue`, else `defaultValue` with reason ERROR and why.
   */
  details<T extends JsonValue>(flagKey: string, defaultValue: T, context?: EvaluationContext): Details<T> {
    return this.resolve(flagKey, defaultValue, typeOf(defaultValue), context);
  }

  /** details(…).value. */
  value<T extends JsonValue>(flagKey: string, defaultValue: T, context?: EvaluationContext): T {
    return this.details(flagKey, defaultValue, context).value;
  }

  /** details() with the expected type named (the OpenFeature provider's typed resolvers). */
  resolve<T>(flagKey: string, defaultValue: T, expected: FlagType, context?: EvaluationContext): Details<T> {
    const snapshot = this.#config?.snapshot;
    if (snapshot === undefined) return failed(notReady(flagKey), defaultValue, 0);
    const declared = snapshot.flagType(flagKey);
    if (declared !== undefined && declared !== expected) {
      return {
        flagKey,
        value: defaultValue,
        variant: null,
        reason: 'ERROR',
        errorCode: 'TYPE_MISMATCH',
        errorMessage: `flag "${flagKey}" is of type ${declared}, not ${expected}`,
        revision: snapshot.revision,
      };
    }
    const result = engineEvaluate(snapshot, flagKey, context === undefined ? EMPTY_CONTEXT : context);
    const exposures = this.#config?.exposures;
    if (exposures !== undefined) this.#telemetry.observe(exposures, result, context, snapshot.revision);
    if (result.errorCode !== undefined) return failed(result, defaultValue, snapshot.revision);
    return {
      flagKey,
      value: result.value as T,
      variant: result.variant,
      reason: result.reason,
      ...(result.ruleId === undefined ? {} : { ruleId: result.ruleId }),
      ...(result.bucket === undefined ? {} : { bucket: result.bucket }),
      revision: snapshot.revision,
    };
  }

  /** Fetches the configuration now (a 304 when unchanged). Never rejects: failures are `error` events. */
  refresh(): Promise<void> {
    if (this.#options.server === undefined || this.#abort.signal.aborted) return Promise.resolve();
    if (this.#fetching !== undefined) {
      this.#fetchAgain = true;
      return this.#fetching;
    }
    this.#fetching = (async () => {
      try {
        do {
          this.#fetchAgain = false;
          await this.#fetchConfig();
        } while (this.#fetchAgain && !this.#abort.signal.aborted);
      } finally {
        this.#fetching = undefined;
      }
    })();
    return this.#fetching;
  }

  /** Stops the stream, polling and timers; the last configuration keeps answering. Waits for a pending persist. */
  async close(): Promise<void> {
    await this.#telemetry.close();
    this.#abort.abort();
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#scheduleTimer);
    this.#settleWaiters();
    await this.#started.catch(() => undefined);
    await this.#persisting;
  }

  // --- configuration sources -------------------------------------------

  #loadLocalSync(): void {
    const { persistPath, bootstrap } = this.#options;
    if (persistPath !== undefined) {
      try {
        const read = readConfigFile(persistPath);
        this.#install(loadConfigDocument(read.value, read.etag, undefined, this.#now()), 'persisted');
        return;
      } catch (error) {
        // A first run has no file yet: that is not worth an event.
        if (!(error instanceof SdkError && error.code === 'FILE_ERROR' && /ENOENT/.test(error.message))) this.#emitError(error, 'FILE_ERROR', 'the persisted configuration');
      }
    }
    if (bootstrap === undefined) return;
    try {
      if ('file' in bootstrap) {
        const read = readConfigFile(bootstrap.file);
        this.#install(loadConfigDocument(read.value, read.etag, undefined, this.#now()), 'bootstrap');
      } else if ('config' in bootstrap) this.#install(loadConfigDocument(bootstrap.config, undefined, undefined, this.#now()), 'bootstrap');
      else if ('state' in bootstrap) this.#install(loadConfigDocument(documentFromState(bootstrap.state, bootstrap.environment), undefined, undefined, this.#now()), 'bootstrap');
    } catch (error) {
      this.#emitError(error, 'INVALID_CONFIG', 'the bootstrap configuration');
    }
  }

  async #start(): Promise<void> {
    const { bootstrap, server } = this.#options;
    if (bootstrap !== undefined && 'flagsDir' in bootstrap && this.#config === undefined) {
      try {
        const { documentFromFlagsDir } = await import('./flags-dir.js');
        const document = await documentFromFlagsDir(bootstrap.flagsDir, bootstrap.tenant, bootstrap.environment);
        // The server may have answered first; it is newer than any folder.
        if (this.#config === undefined) this.#install(loadConfigDocument(document, undefined, undefined, this.#now()), 'bootstrap');
      } catch (error) {
        this.#emitError(error, 'INVALID_CONFIG', 'the flags repository');
      }
    }
    if (server === undefined || this.#abort.signal.aborted) {
      // Offline: nothing more will come, so whoever waits for a configuration learns now.
      this.#settleWaiters();
      return;
    }
    if (this.#options.stream === false) {
      this.#schedulePoll(0);
      return;
    }
    void this.refresh();
    await this.#streamLoop();
  }

  #url(pathname: string): URL {
    const url = new URL(pathname, this.#options.server);
    if (this.#options.environment !== undefined) url.searchParams.set('environment', this.#options.environment);
    return url;
  }

  /**
   * A telemetry upload. Throws (so the batch is kept and retried) on a network
   * failure or a 5xx; a 4xx means the server will never take this batch: it
   * is reported as an `error` event and dropped.
   */
  async #post(pathname: string, body: unknown): Promise<void> {
    const url = new URL(pathname, this.#options.server);
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...this.#headers(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs),
    });
    const text = await response.text();
    if (response.status >= 500) throw new SdkError('NETWORK_ERROR', `${pathname} answered ${response.status}`);
    if (response.status >= 400) this.#emitError(new Error(`${response.status} ${text.slice(0, 200)}`), 'NETWORK_ERROR', `uploading to ${pathname}`);
  }

  #headers(): Record<string, string> {
    return { ...this.#options.headers, ...(this.#options.apiKey === undefined ? {} : { 'x-api-key': this.#options.apiKey }) };
  }

  async #fetchConfig(): Promise<void> {
    const headers = this.#headers();
    const etag = this.#config?.etag;
    if (etag !== undefined) headers['if-none-match'] = etag;
    let response: Response;
    let text: string;
    try {
      const timeout = AbortSignal.timeout(this.#options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs);
      response = await fetch(this.#url('/v1/config'), { headers, signal: AbortSignal.any([this.#abort.signal, timeout]) });
      text = await response.text();
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#fetchFailed(asSdkError(error, 'NETWORK_ERROR', 'GET /v1/config failed'));
      return;
    }
    if (response.status === 304) {
      this.#fetchSucceeded();
      return;
    }
    if (response.status !== 200) {
      let code = '';
      try {
        code = ` ${(JSON.parse(text) as { error?: { code?: string } }).error?.code ?? ''}`;
      } catch {
        // not the error shape: the status says enough
      }
      this.#fetchFailed(new SdkError('HTTP_ERROR', `GET /v1/config answered ${response.status}${code.trimEnd()}`, response.status));
      return;
    }
    let loaded: LoadedConfig;
    try {
      loaded = loadConfigDocument(JSON.parse(text), response.headers.get('etag') ?? undefined, this.#config, this.#now());
    } catch (error) {
      // The server answered, so it is reachable; what it sent is refused and the last good configuration stays.
      this.#fetchSucceeded();
      this.#emitError(error, 'INVALID_CONFIG', 'GET /v1/config sent an invalid configuration');
      return;
    }
    this.#install(loaded, 'server');
    this.#fetchSucceeded();
    const persistPath = this.#options.persistPath;
    if (persistPath !== undefined) {
      this.#persisting = this.#persisting
        .then(() => writeConfigFile(persistPath, loaded.document, loaded.etag))
        .catch((error: unknown) => this.#emitError(error, 'FILE_ERROR', 'persisting the configuration'));
    }
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  /** At the snapshot's next schedule step, compile the same configuration again (no request, same revision). */
  #scheduleRebuild(): void {
    clearTimeout(this.#scheduleTimer);
    this.#scheduleTimer = undefined;
    const next = this.#config?.snapshot.nextChangeAt;
    const now = this.#now();
    if (next === undefined || !Number.isFinite(now) || this.#abort.signal.aborted) return;
    // setTimeout holds at most 2^31-1 ms; a later step is reached by re-arming.
    const delay = Math.min(Math.max(0, next - now), 2 ** 31 - 1);
    this.#scheduleTimer = setTimeout(() => {
      const current = this.#config;
      if (current === undefined) return;
      if (current.snapshot.nextChangeAt !== undefined && current.snapshot.nextChangeAt <= this.#now()) {
        const rebuilt = rebuildAt(current, this.#now());
        this.#config = rebuilt;
        if (rebuilt.changed.length > 0) {
          const revision = rebuilt.document.revision;
          this.#emit('change', { revision, previousRevision: revision, changed: rebuilt.changed, source: this.#source });
        }
      }
      this.#scheduleRebuild();
    }, delay);
    this.#scheduleTimer.unref?.();
  }

  #install(loaded: LoadedConfig, source: ConfigSource): void {
    const previous = this.#config;
    this.#config = loaded;
    this.#source = source;
    this.#scheduleRebuild();
    if (previous === undefined) {
      this.#status = 'READY';
      this.#settleWaiters(false);
      this.#emit('ready', { revision: loaded.document.revision, source });
      return;
    }
    const changed = loaded.changed;
    if (changed.length > 0 || previous.document.revision !== loaded.document.revision) {
      this.#emit('change', { revision: loaded.document.revision, previousRevision: previous.document.revision, changed, source });
    }
  }

  /** Resolves every pending ready() with whether a configuration is in use. */
  #settleWaiters(final = true): void {
    if (final) this.#noMoreConfig = this.#config === undefined;
    for (const waiter of [...this.#readyWaiters]) waiter();
  }

  // --- freshness ---------------------------------------------------------

  #fetchSucceeded(): void {
    this.#lastFetchFailed = false;
    this.#retryAttempt = 0;
    this.#updateStatus();
  }

  #fetchFailed(error: SdkError): void {
    this.#lastFetchFailed = true;
    this.#emit('error', { error });
    this.#updateStatus(error.message);
    // With the stream up nothing else would ask again (its event is spent, and polling is off):
    // retry with backoff until a request succeeds. Without the stream, polling does.
    if (this.#streamUp && this.#retryTimer === undefined && !this.#abort.signal.aborted) {
      const initial = this.#options.reconnect?.initialDelayMs ?? DEFAULTS.initialDelayMs;
      const ceiling = Math.min(this.#options.reconnect?.maxDelayMs ?? DEFAULTS.maxDelayMs, initial * 2 ** this.#retryAttempt++);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#streamUp) void this.refresh();
      }, ceiling / 2 + this.#random() * (ceiling / 2));
      this.#retryTimer.unref?.();
    }
  }

  /** STALE exactly when there is a configuration, the stream is down and the last request failed. */
  #updateStatus(why?: string): void {
    if (this.#config === undefined) return;
    const stale = !this.#streamUp && this.#lastFetchFailed;
    if (stale && this.#status === 'READY') {
      this.#status = 'STALE';
      this.#emit('stale', { message: why ?? 'the server cannot be reached' });
    } else if (!stale && this.#status === 'STALE') {
      this.#status = 'READY';
      this.#emit('ready', { revision: this.#config.document.revision, source: this.#source });
    }
  }

  // --- stream and polling ------------------------------------------------

  async #streamLoop(): Promise<void> {
    const initial = this.#options.reconnect?.initialDelayMs ?? DEFAULTS.initialDelayMs;
    const max = this.#options.reconnect?.maxDelayMs ?? DEFAULTS.maxDelayMs;
    let attempt = 0;
    while (!this.#abort.signal.aborted) {
      const headers = this.#headers();
      // Resume after the newest revision known: the server replays what came after it.
      const resumeFrom = this.#lastEventId ?? (this.#source === 'server' ? String(this.#config?.document.revision ?? '') : '');
      if (resumeFrom !== '') headers['last-event-id'] = resumeFrom;
      const opened = await runStream(
        { url: this.#url('/v1/stream'), headers, signal: this.#abort.signal, idleTimeoutMs: this.#options.streamIdleTimeoutMs ?? DEFAULTS.streamIdleTimeoutMs },
        {
          onOpen: () => {
            this.#streamUp = true;
            this.#stopPolling();
            // Whatever happened before the subscription is in the config; a 304 when nothing did.
            void this.refresh();
          },
          onRevision: (event: RevisionEventData, id) => {
            if (id !== undefined) this.#lastEventId = id;
            if (event.revision !== this.revision) void this.refresh();
          },
          onFailure: (error, status) => {
            const failure =
              status === undefined ? asSdkError(error, 'NETWORK_ERROR', 'GET /v1/stream') : new SdkError('HTTP_ERROR', `GET /v1/stream answered ${status}`, status);
            this.#emit('error', { error: failure });
          },
        },
      );
      if (this.#abort.signal.aborted) return;
      const wasUp = this.#streamUp;
      this.#streamUp = false;
      if (opened) attempt = 0;
      // Polling carries the updates until the stream is back; the first poll at once tells whether the server is there.
      if (this.#pollTimer === undefined) this.#schedulePoll(wasUp ? 0 : undefined);
      const ceiling = Math.min(max, initial * 2 ** attempt);
      attempt++;
      await sleep(ceiling / 2 + this.#random() * (ceiling / 2), this.#abort.signal);
    }
  }

  /** Polls every pollIntervalMs until the stream is up; `firstInMs` overrides the first delay. */
  #schedulePoll(firstInMs?: number): void {
    if (this.#pollTimer !== undefined && firstInMs === undefined) return;
    clearTimeout(this.#pollTimer);
    const period = this.#options.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      if (this.#streamUp || this.#abort.signal.aborted) return;
      void this.refresh().then(() => {
        if (!this.#streamUp && !this.#abort.signal.aborted && this.#pollTimer === undefined) this.#schedulePoll();
      });
    }, firstInMs ?? period);
    this.#pollTimer.unref?.();
  }

  #stopPolling(): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  // --- events ------------------------------------------------------------

  #emit<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]): void {
    // Events of the constructor reach listeners attached right after it.
    if (this.#constructing) {
      queueMicrotask(() => this.#emit(event, payload));
      return;
    }
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // A listener's failure is its own; the client carries on.
      }
    }
  }

  #emitError(error: unknown, code: 'NETWORK_ERROR' | 'FILE_ERROR' | 'INVALID_CONFIG', what: string): void {
    this.#emit('error', { error: asSdkError(error, code, what) });
  }
}

function notReady(flagKey: string): Evaluation {
  return {
    flagKey,
    value: null,
    variant: null,
    reason: 'ERROR',
    errorCode: 'PROVIDER_NOT_READY',
    errorMessage: 'no configuration yet',
  };
}

function failed<T>(result: Evaluation, defaultValue: T, revision: number): Details<T> {
  return {
    flagKey: result.flagKey,
    value: defaultValue,
    variant: null,
    reason: 'ERROR',
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
    ...(result.errorMessage === undefined ? {} : { errorMessage: result.errorMessage }),
    revision,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export type { EnvironmentConfigDocument };
