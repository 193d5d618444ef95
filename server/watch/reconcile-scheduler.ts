/**
 * Turns bursts of file events into single, serialised reconciles:
 * - debounce: a reconcile starts `debounceMs` after the LAST event of a burst
 *   (a `git checkout` touching 40 files is one reconcile);
 * - serialisation: never two at once; events during a reconcile schedule
 *   exactly one more after it, which sees everything they changed.
 */
export class ReconcileScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly reconcile: () => Promise<void>,
    private readonly debounceMs: number,
  ) {}

  /** Something changed: reconcile once things have been quiet for debounceMs. */
  poke(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.debounceMs);
  }

  /** Reconciles now (after the running one, if any); resolves when done. */
  runNow(): Promise<void> {
    clearTimeout(this.timer);
    this.fire();
    return this.idle();
  }

  /** Resolves when nothing is running (a reconcile scheduled meanwhile is awaited too). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        // The reconcile reports its own failures; a throw must not stop the loop.
        await this.reconcile().catch(() => {});
      } while (this.again && !this.stopped);
    } finally {
      this.running = undefined;
    }
  }
}
