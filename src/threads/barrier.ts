/**
 * Barriers over Int32Array words of a SharedArrayBuffer: counters threads arrive at, and a
 * start gate. Blocking waits are for worker threads (and Node's main thread); the async
 * twin is for a thread that must not block, such as a page's main thread.
 */

/** Blocks while words[i] === value, at most timeoutMs; true once it changed. */
export function waitWhileEquals(words: Int32Array, i: number, value: number, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(words, i) === value) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(words, i, value, Math.min(left, 100));
  }
  return true;
}

/** One participant arrives at the counter words[i]. */
export function arrive(words: Int32Array, i: number): void {
  Atomics.add(words, i, 1);
  Atomics.notify(words, i);
}

function tooFew(what: string, seen: number, n: number, timeoutMs: number): Error {
  return new Error(`${what}: only ${seen} of ${n} threads arrived within ${timeoutMs} ms`);
}

/** Blocks until the counter words[i] reaches n; throws after timeoutMs. */
export function awaitCount(words: Int32Array, i: number, n: number, timeoutMs: number, what: string): void {
  const deadline = Date.now() + timeoutMs;
  for (let seen = Atomics.load(words, i); seen < n; seen = Atomics.load(words, i)) {
    if (Date.now() > deadline) throw tooFew(what, seen, n, timeoutMs);
    Atomics.wait(words, i, seen, 50);
  }
}

type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };

/**
 * Resolves once the counter words[i] reaches n, without blocking: Atomics.waitAsync where
 * the runtime has it, else polling. (A fixed sleep would be timed by the benchmarks.)
 * If `failure` settles first, the wait ends with it (a thread that died never arrives).
 */
export async function awaitCountAsync(words: Int32Array, i: number, n: number, what: string, timeoutMs = Infinity, failure?: Promise<unknown>): Promise<void> {
  let abandoned = false;
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  const deadline = Date.now() + timeoutMs;
  const arrivals = (async () => {
    for (let seen = Atomics.load(words, i); seen < n && !abandoned; seen = Atomics.load(words, i)) {
      if (Date.now() > deadline) throw tooFew(what, seen, n, timeoutMs);
      const w = waitAsync?.(words, i, seen, 50);
      if (w?.async) await w.value;
      else if (!w) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  try {
    await (failure ? Promise.race([arrivals, failure]) : arrivals);
  } finally {
    abandoned = true;
  }
}

/**
 * A start gate: threads arrive and wait until the owner opens it, so that they all start at
 * one moment and really contend.
 *   GATE.open:    0 (closed) or 1
 *   GATE.arrived: threads waiting at it
 */
export const GATE = { open: 0, arrived: 1 } as const;
const GATE_WORDS = 2;

export function newGate(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(GATE_WORDS * Int32Array.BYTES_PER_ELEMENT));
}

/** A thread's side: announce arrival, then block until the gate opens. */
export function passGate(gate: Int32Array): void {
  arrive(gate, GATE.arrived);
  waitWhileEquals(gate, GATE.open, 0, Infinity);
}

export function closeGate(gate: Int32Array): void {
  Atomics.store(gate, GATE.open, 0);
  Atomics.store(gate, GATE.arrived, 0);
}

export function openGate(gate: Int32Array): void {
  Atomics.store(gate, GATE.open, 1);
  Atomics.notify(gate, GATE.open);
}
