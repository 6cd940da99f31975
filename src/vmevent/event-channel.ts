/**
 * Event channels in one direction, as Atomics over shared memory (Atomics.wait/notify stand
 * in for Xen's event-channel upcall).
 *
 *   ┌────────────┬───────────────┬───────────────┬─────┬────────────────────┐
 *   │ upcall i32 │ pending[0] i32│ pending[1] i32│ …   │ pending[ports − 1] │
 *   │ 0          │ 4             │ 8             │     │                    │
 *   └────────────┴───────────────┴───────────────┴─────┴────────────────────┘
 *
 * send(port) sets the port's pending bit; only a 0 → 1 change bumps `upcall` and wakes the
 * receiver, so notifications coalesce while the receiver has not looked (Xen's pending bit).
 * The receiver reads `upcall` *before* scanning and waits on that value, so a send that
 * lands after the scan changes `upcall` and the wait returns at once: no lost wake-up.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";

const I32 = Int32Array.BYTES_PER_ELEMENT;
const UPCALL = 0;
const FIRST_PORT = 1;

/** How a receiver waits: spin on the upcall word first (cheap wake-ups), then block. */
export interface WaitStrategy {
  /** Most polls of the upcall word before blocking; 0 blocks at once. */
  spins: number;
  /** Stop polling after this many µs even if `spins` is not used up (a peer that is not running will not answer soon). */
  spinUs?: number;
  /** Longest block, in ms (Infinity for none). */
  timeoutMs: number;
}

export const BLOCKING: WaitStrategy = { spins: 0, timeoutMs: Infinity };
/**
 * Spin-then-block, the Disruptor's "phased back-off": a round trip takes ~1 µs between idle
 * cores, so polling for up to 50 µs catches nearly every answer; after that the peer is
 * probably descheduled and blocking costs less than burning the core. A futex wake-up costs
 * ~10–45 µs here, so blocking at once would dominate the round trip.
 */
export const SPIN_THEN_BLOCK: WaitStrategy = { spins: 1_000_000, spinUs: 50, timeoutMs: Infinity };

const now = () => performance.now() * 1000;

export class EventChannelSet {
  readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer, readonly byteOffset: number, readonly ports: number) {
    if (!Number.isInteger(ports) || ports < 1) throw new InvalidArgumentError("ports", `need ≥ 1 port, got ${ports}`);
    this.words = new Int32Array(buffer, byteOffset, FIRST_PORT + ports);
  }

  static bytes(ports: number): number {
    intIn("ports", ports, 1, 1 << 20);
    return (FIRST_PORT + ports) * I32;
  }

  static create(ports: number): EventChannelSet {
    return new EventChannelSet(new SharedArrayBuffer(EventChannelSet.bytes(ports)), 0, ports);
  }

  private check(port: number): number {
    if (!Number.isInteger(port) || port < 0 || port >= this.ports) throw new InvalidArgumentError("port", `${port} is not in 0..${this.ports - 1}`);
    return FIRST_PORT + port;
  }

  /** EVTCHNOP_send: mark the port pending; wake the receiver only if it was not pending already. */
  send(port: number): void {
    if (Atomics.exchange(this.words, this.check(port), 1) === 0) {
      Atomics.add(this.words, UPCALL, 1);
      Atomics.notify(this.words, UPCALL);
    }
  }

  /** The upcall counter: read it before scanning ports, then wait on the value read. */
  upcall(): number {
    return Atomics.load(this.words, UPCALL);
  }

  /** Clears and returns the port's pending bit (the receiver's test_and_clear). */
  takePending(port: number): boolean {
    return Atomics.exchange(this.words, this.check(port), 0) === 1;
  }

  /** Calls `fn` for every pending port, clearing each. */
  forEachPending(fn: (port: number) => void): void {
    for (let p = 0; p < this.ports; p++) if (Atomics.exchange(this.words, FIRST_PORT + p, 0) === 1) fn(p);
  }

  /** Blocks until `upcall` differs from `seen` (Node and Web Workers; never a browser main thread). */
  wait(seen: number, strategy: WaitStrategy = BLOCKING): "changed" | "timed-out" {
    if (strategy.spins > 0) {
      const deadline = strategy.spinUs === undefined ? Infinity : now() + strategy.spinUs;
      for (let i = 0; i < strategy.spins; i++) {
        if (Atomics.load(this.words, UPCALL) !== seen) return "changed";
        // Look at the clock only every 256 polls: performance.now() costs far more than a poll.
        if ((i & 255) === 255 && now() > deadline) break;
      }
    }
    const r = Atomics.wait(this.words, UPCALL, seen, strategy.timeoutMs);
    return r === "timed-out" ? "timed-out" : "changed";
  }

  /** The non-blocking form for a browser main thread (Atomics.waitAsync where available). */
  async waitAsync(seen: number, timeoutMs = Infinity): Promise<"changed" | "timed-out"> {
    const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
    if (!waitAsync) {
      const start = Date.now();
      while (Atomics.load(this.words, UPCALL) === seen) {
        if (Date.now() - start >= timeoutMs) return "timed-out";
        await new Promise((r) => setTimeout(r, 0));
      }
      return "changed";
    }
    const r = waitAsync(this.words, UPCALL, seen, timeoutMs);
    const value = r.async ? await r.value : r.value;
    return value === "timed-out" ? "timed-out" : "changed";
  }
}
