import pg from 'pg';

/** The NOTIFY channel the tenants trigger announces every committed change on. */
export const CHANGE_CHANNEL = 'ff_changes';

export type PgCheckTrigger = 'notify' | 'connect' | 'safety_net';

export interface ChangeHint {
  tenant: string;
  revision: number;
  keysVersion: number;
}

export interface PgChangeWatcherOptions {
  url: string;
  /**
   * Something may have changed: reload what differs from memory (the revisions
   * log and the tenants' change marks say what). Called with 'connect' after
   * every (re)connect, so changes made while disconnected are caught up.
   */
  reload(trigger: PgCheckTrigger, hint?: ChangeHint): Promise<void> | void;
  /** Period of a check that runs even without notifications (ms; 0: none). */
  safetyNetMs: number;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onError(err: unknown): void;
  /** Connection state changes, for readiness, metrics and logs. */
  onState?(state: 'connected' | 'disconnected'): void;
}

/**
 * Keeps a replica's in-memory index in step with the shared PostgreSQL
 * database: one dedicated connection LISTENs on ff_changes (a pooled one
 * cannot: LISTEN belongs to a session). A notification triggers a reload; a
 * lost connection is retried with exponential backoff, and every successful
 * (re)connect triggers a reload too, because notifications sent while we were
 * away are gone. A slow safety-net check covers anything else.
 */
export class PgChangeWatcher {
  private client: pg.Client | undefined;
  private stopped = false;
  private connected = false;
  private retry: NodeJS.Timeout | undefined;
  private safetyNet: NodeJS.Timeout | undefined;
  private attempts = 0;
  /** Reloads run one at a time; a trigger during one asks for one more after it. */
  private running: Promise<void> | undefined;
  private again: { trigger: PgCheckTrigger; hint?: ChangeHint } | undefined;

  constructor(private readonly options: PgChangeWatcherOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once listening (and the first catch-up reload ran), or rejects if the first connect fails; retries go on either way. */
  async start(): Promise<void> {
    if (this.options.safetyNetMs > 0) {
      this.safetyNet = setInterval(() => this.trigger('safety_net'), this.options.safetyNetMs);
      this.safetyNet.unref();
    }
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.safetyNet);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  /** Resolves when no reload is running or queued (tests wait on it). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running.catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'ff-server-listen' });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      this.trigger('notify', parseHint(message.payload));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      throw err;
    }
    if (this.client !== client) return; // lost while connecting; the retry is scheduled
    this.attempts = 0;
    this.connected = true;
    this.options.onState?.('connected');
    this.trigger('connect');
    await this.idle();
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client) return; // an older connection's late event
    this.client = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (err !== undefined) this.options.onError(err);
    if (this.connected) {
      this.connected = false;
      this.options.onState?.('disconnected');
    }
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempts);
    this.attempts += 1;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.connect().catch(() => undefined); // lost() already scheduled the next try
    }, delay);
    this.retry.unref();
  }

  private trigger(trigger: PgCheckTrigger, hint?: ChangeHint): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      // Several triggers while one reload runs: one more reload, without a
      // hint (the hints may name different tenants; a full check covers all).
      this.again = this.again === undefined && hint !== undefined ? { trigger, hint } : { trigger };
      return;
    }
    this.running = (async () => {
      let next: { trigger: PgCheckTrigger; hint?: ChangeHint } | undefined = hint === undefined ? { trigger } : { trigger, hint };
      while (next !== undefined && !this.stopped) {
        this.again = undefined;
        try {
          await this.options.reload(next.trigger, next.hint);
        } catch (err) {
          this.options.onError(err);
        }
        next = this.again;
      }
    })().finally(() => {
      this.running = undefined;
    });
  }
}

function parseHint(payload: string | undefined): ChangeHint | undefined {
  if (payload === undefined) return undefined;
  try {
    const v = JSON.parse(payload) as { tenant?: unknown; revision?: unknown; keys_version?: unknown };
    if (typeof v.tenant !== 'string' || typeof v.revision !== 'number' || typeof v.keys_version !== 'number') return undefined;
    return { tenant: v.tenant, revision: v.revision, keysVersion: v.keys_version };
  } catch {
    return undefined;
  }
}
