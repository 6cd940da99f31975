/**
 * The control block that main thread and role workers share: a start barrier (to prove the
 * workers run at the same time), a batch counter, a done counter and a stop flag.
 *
 *   ┌─────────┬──────────┬──────────┬───────────┬────────────────────┐
 *   │ go i32  │ done i32 │ stop i32 │ ready i32 │ produced_batch i32 │
 *   │ 0       │ 4        │ 8        │ 12        │ 16                 │
 *   └─────────┴──────────┴──────────┴───────────┴────────────────────┘
 * go:             batch number the main thread released (workers wait for it to change)
 * done:           one increment per participating worker per finished batch
 * stop:           1 = leave the loop and post results
 * ready:          arrivals at the start barrier
 * produced_batch: the last batch whose producer has written everything (consumers drain up to it)
 */
import { arrive, awaitCount, waitWhileEquals } from "../../threads/barrier.js";

export const CONTROL = { go: 0, done: 1, stop: 2, ready: 3, producedBatch: 4 } as const;
export const CONTROL_WORDS = 5;

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT));
}

export { waitWhileEquals };

/** Start barrier: every participant arrives, then all go together (proves they overlap in time). */
export function arriveAndWait(control: Int32Array, participants: number, timeoutMs = 10_000): void {
  arrive(control, CONTROL.ready);
  awaitCount(control, CONTROL.ready, participants, timeoutMs, "start barrier");
}

const SPIN_MS = 0.05;
const BACKOFF_SLEEP_MS = 0.02;
const idleWord = new Int32Array(new SharedArrayBuffer(4));

/**
 * Polls `ready` until it holds: spins for up to 50 µs first (the peer is usually running on
 * another core), then sleeps 20 µs between polls so that a peer sharing this core gets to
 * run. Bounded by time, not poll count, so a cheaper `ready` does not give up sooner. Both
 * ring implementations in the benchmarks wait through this same helper.
 */
export function pollUntil(ready: () => boolean): void {
  if (ready()) return;
  const deadline = performance.now() + SPIN_MS;
  for (let i = 1; !ready(); i++) {
    if ((i & 63) === 0 && performance.now() > deadline) {
      while (!ready()) Atomics.wait(idleWord, 0, 0, BACKOFF_SLEEP_MS);
      return;
    }
  }
}

/**
 * Between batches a worker keeps polling `go` for a while before it blocks. Blocked workers
 * are woken by the main thread, and Linux tends to wake them onto the waker's core, so both
 * would share one core and the benchmark would time the scheduler, not the ring.
 */
const IDLE_SPIN_MS = 5;

/** Runs `batch` for every batch released until `stop`. */
export function batchLoop(control: Int32Array, participates: boolean, batch: (n: number) => void): number {
  let go = 0;
  let batches = 0;
  for (;;) {
    const spinUntil = performance.now() + IDLE_SPIN_MS;
    while (Atomics.load(control, CONTROL.go) === go && performance.now() < spinUntil);
    waitWhileEquals(control, CONTROL.go, go, 3_600_000);
    if (Atomics.load(control, CONTROL.stop)) return batches;
    go = Atomics.load(control, CONTROL.go);
    batch(go);
    batches++;
    if (participates) {
      Atomics.add(control, CONTROL.done, 1);
      Atomics.notify(control, CONTROL.done);
    }
  }
}
