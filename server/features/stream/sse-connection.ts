import { PassThrough } from 'node:stream';

/** A client that reads slower than this many buffered bytes is dropped (it reconnects and replays). */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * One open server-sent-events response: the body stream Fastify pipes to the
 * socket. Closing is idempotent and runs the cleanup callbacks exactly once,
 * whether the client left, the server shut down or the client fell behind.
 */
export class SseConnection {
  readonly body = new PassThrough();
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  constructor() {
    this.body.on('close', () => this.runCleanups());
    this.body.on('error', () => this.runCleanups());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  write(frame: string): void {
    if (this.closed) return;
    if (this.body.writableLength > MAX_BUFFERED_BYTES) {
      this.body.destroy();
      return;
    }
    this.body.write(frame);
  }

  /** Ends the response normally (the client sees the stream finish). */
  end(): void {
    if (this.closed) return;
    this.body.end();
    this.runCleanups();
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  private runCleanups(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.cleanups.splice(0)) fn();
  }
}
