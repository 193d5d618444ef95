import { formatComment } from './sse-format.js';
import type { SseConnection } from './sse-connection.js';

/**
 * Every open stream of this process: one heartbeat timer for all of them
 * (running only while one is open), and the list shutdown ends.
 */
export class StreamHub {
  private readonly open = new Set<SseConnection>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly heartbeatMs: number) {}

  get size(): number {
    return this.open.size;
  }

  add(connection: SseConnection): void {
    this.open.add(connection);
    connection.onClose(() => {
      this.open.delete(connection);
      if (this.open.size === 0) this.stopHeartbeat();
    });
    if (this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => {
        for (const c of this.open) c.write(formatComment('heartbeat'));
      }, this.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Shutdown: end every stream so the HTTP server can finish its in-flight requests. */
  closeAll(): void {
    for (const c of [...this.open]) c.end();
    this.stopHeartbeat();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
