// The watch-mode scheduler: a burst of pokes is one reconcile; never two at
// once; pokes during a reconcile cause exactly one more. Waits on promises
// the test controls, never on elapsed time.
import { describe, expect, it } from 'vitest';
import { ReconcileScheduler } from '../../server/watch/reconcile-scheduler.js';

/** A reconcile the test finishes by hand, recording overlap. */
function controlledReconcile() {
  const runs: { finish(): void }[] = [];
  let active = 0;
  let maxActive = 0;
  let started: () => void = () => {};
  const reconcile = () =>
    new Promise<void>((resolve) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push({
        finish: () => {
          active--;
          resolve();
        },
      });
      started();
    });
  const nextStart = () => new Promise<void>((resolve) => (started = resolve));
  return { reconcile, runs, nextStart, maxActive: () => maxActive };
}

describe('ReconcileScheduler', () => {
  it('turns a burst of pokes into one reconcile', async () => {
    const c = controlledReconcile();
    const scheduler = new ReconcileScheduler(c.reconcile, 20);
    const started = c.nextStart();
    for (let i = 0; i < 50; i++) scheduler.poke();
    await started;
    c.runs[0]?.finish();
    await scheduler.idle();
    expect(c.runs).toHaveLength(1);
    await scheduler.stop();
  });

  it('never runs two at once; pokes during a run cause exactly one more', async () => {
    const c = controlledReconcile();
    const scheduler = new ReconcileScheduler(c.reconcile, 5);
    let started = c.nextStart();
    scheduler.poke();
    await started;
    started = c.nextStart();
    // Three separate bursts while the first run is still going.
    for (let burst = 0; burst < 3; burst++) {
      scheduler.poke();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(c.runs).toHaveLength(1);
    c.runs[0]?.finish();
    await started;
    expect(c.runs).toHaveLength(2);
    c.runs[1]?.finish();
    await scheduler.idle();
    expect(c.runs).toHaveLength(2);
    expect(c.maxActive()).toBe(1);
    await scheduler.stop();
  });

  it('runNow waits for the running reconcile, then runs; a failing reconcile does not stop later ones', async () => {
    let calls = 0;
    const scheduler = new ReconcileScheduler(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    }, 5);
    await scheduler.runNow();
    await scheduler.runNow();
    expect(calls).toBe(2);
    await scheduler.stop();
    scheduler.poke();
    await scheduler.idle();
    expect(calls).toBe(2);
  });
});
