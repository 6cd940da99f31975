/**
 * `struct xenstore_domain_interface`: the 4 KiB page a guest and xenstored share
 * (docs/notes/xenstore.md §6, xs_wire.h / docs/misc/xenstore-ring.txt), over a
 * SharedArrayBuffer so the guest can be a worker thread or another realm, and an event
 * channel modelled as two Atomics counters.
 *
 *   offset  size  field
 *   ┌──────┬──────┬────────────────────────────────────────────────────────────┐
 *   │    0 │ 1024 │ req[]   guest → server bytes                                │
 *   │ 1024 │ 1024 │ rsp[]   server → guest bytes (replies + watch events)       │
 *   │ 2048 │    4 │ req_cons         server advances                            │
 *   │ 2052 │    4 │ req_prod         guest advances                             │
 *   │ 2056 │    4 │ rsp_cons         guest advances                             │
 *   │ 2060 │    4 │ rsp_prod         server advances                            │
 *   │ 2064 │    4 │ server_features  set by the server, never cleared           │
 *   │ 2068 │    4 │ connection       0 CONNECTED, 1 RECONNECT                   │
 *   │ 2072 │    4 │ error            0 none, 1 COMM, 2 RINGIDX, 3 PROTO         │
 *   │ 2076 │    4 │ evtchn_port      (4.21+) event channel filled in by Xen     │
 *   └──────┴──────┴────────────────────────────────────────────────────────────┘
 *
 * Indexes are free-running u32: byte x lives at x mod 1024, and prod − cons (mod 2^32)
 * must stay ≤ 1024. Each side writes data first and publishes it with a release store
 * of its producer index (Atomics.store is sequentially consistent), then notifies.
 */

import { PAGE_SIZE } from "../page.js";

export const RING_SIZE = 1024;
export const REQ_OFFSET = 0;
export const RSP_OFFSET = REQ_OFFSET + RING_SIZE;
export const REQ_CONS = RSP_OFFSET + RING_SIZE; // 2048
export const REQ_PROD = REQ_CONS + 4;
export const RSP_CONS = REQ_PROD + 4;
export const RSP_PROD = RSP_CONS + 4;
export const SERVER_FEATURES_OFFSET = RSP_PROD + 4; // 2064
export const CONNECTION_OFFSET = SERVER_FEATURES_OFFSET + 4;
export const ERROR_OFFSET = CONNECTION_OFFSET + 4;
export const EVTCHN_PORT_OFFSET = ERROR_OFFSET + 4; // 2076

export const XENSTORE_CONNECTED = 0;
export const XENSTORE_RECONNECT = 1;
export const RingError = { NONE: 0, COMM: 1, RINGIDX: 2, PROTO: 3 } as const;

/** One direction of the page: a byte ring with its two indexes. */
class ByteRing {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly words: Int32Array,
    private readonly dataOffset: number,
    private readonly consIndex: number,
    private readonly prodIndex: number,
  ) {}

  /** Bytes waiting to be consumed; -1 if the indexes are inconsistent (> RING_SIZE). */
  available(): number {
    const n = (Atomics.load(this.words, this.prodIndex) - Atomics.load(this.words, this.consIndex)) >>> 0;
    return n > RING_SIZE ? -1 : n;
  }

  /** Producer: copies as much of `data` as fits, publishes it, returns the count. */
  write(data: Uint8Array): number {
    const cons = Atomics.load(this.words, this.consIndex) >>> 0;
    const prod = Atomics.load(this.words, this.prodIndex) >>> 0;
    const room = RING_SIZE - ((prod - cons) >>> 0);
    const n = Math.max(0, Math.min(room, data.length));
    for (let i = 0; i < n; i++) this.bytes[this.dataOffset + ((prod + i) % RING_SIZE)] = data[i]!;
    // publish the data to the other side
    Atomics.store(this.words, this.prodIndex, (prod + n) | 0);
    return n;
  }

  /** Consumer: takes everything available (≤ RING_SIZE bytes) and frees the space. */
  read(): Uint8Array {
    const cons = Atomics.load(this.words, this.consIndex) >>> 0;
    const n = this.available();
    if (n <= 0) return new Uint8Array(0);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.bytes[this.dataOffset + ((cons + i) % RING_SIZE)]!;
    // hand the space back to the producer
    Atomics.store(this.words, this.consIndex, (cons + n) | 0);
    return out;
  }
}

/** The shared page. Both sides construct one over the same SharedArrayBuffer. */
export class RingPage {
  readonly req: ByteRing;
  readonly rsp: ByteRing;
  private readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    if (buffer.byteLength < PAGE_SIZE) throw new RangeError(`a ring page needs ${PAGE_SIZE} bytes, got ${buffer.byteLength}`);
    const bytes = new Uint8Array(buffer, 0, PAGE_SIZE);
    this.words = new Int32Array(buffer, 0, PAGE_SIZE / 4);
    this.req = new ByteRing(bytes, this.words, REQ_OFFSET, REQ_CONS / 4, REQ_PROD / 4);
    this.rsp = new ByteRing(bytes, this.words, RSP_OFFSET, RSP_CONS / 4, RSP_PROD / 4);
  }

  static allocate(): RingPage {
    return new RingPage(new SharedArrayBuffer(PAGE_SIZE));
  }

  private field(offset: number): number {
    return Atomics.load(this.words, offset / 4) >>> 0;
  }
  private setField(offset: number, v: number): void {
    Atomics.store(this.words, offset / 4, v | 0);
  }

  get serverFeatures(): number { return this.field(SERVER_FEATURES_OFFSET); }
  set serverFeatures(v: number) { this.setField(SERVER_FEATURES_OFFSET, v); }
  get connection(): number { return this.field(CONNECTION_OFFSET); }
  set connection(v: number) { this.setField(CONNECTION_OFFSET, v); }
  get error(): number { return this.field(ERROR_OFFSET); }
  set error(v: number) { this.setField(ERROR_OFFSET, v); }
  get evtchnPort(): number { return this.field(EVTCHN_PORT_OFFSET); }
  set evtchnPort(v: number) { this.setField(EVTCHN_PORT_OFFSET, v); }

  /** INTRODUCE and reconnection start both directions from index 0. */
  resetIndexes(): void {
    for (const off of [REQ_CONS, REQ_PROD, RSP_CONS, RSP_PROD]) this.setField(off, 0);
  }
}

/** ES2024's Atomics.waitAsync (Node ≥ 16, Chrome ≥ 87), not yet in our TypeScript lib. */
interface AtomicsWithWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number):
    { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
}

/**
 * An interdomain event channel between one guest and the store: two counters, one per
 * direction. `notify` bumps the peer's counter and wakes it; `wait` resolves when the
 * counter moves past what the waiter last saw (so no notification is ever lost).
 */
export class EventChannel {
  static readonly TO_SERVER = 0;
  static readonly TO_GUEST = 1;
  private readonly counters: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.counters = new Int32Array(buffer, 0, 2);
  }

  notify(direction: 0 | 1): void {
    Atomics.add(this.counters, direction, 1);
    Atomics.notify(this.counters, direction);
  }

  seen(direction: 0 | 1): number {
    return Atomics.load(this.counters, direction);
  }

  /**
   * Resolves with the new counter once it differs from `last` (or after `timeoutMs`).
   * A pending waitAsync does not keep Node's event loop alive: a thread whose only work
   * is waiting here must hold a handle open itself (ring-guest-worker.ts does).
   */
  async wait(direction: 0 | 1, last: number, timeoutMs = Infinity): Promise<number> {
    const r = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(this.counters, direction, last, timeoutMs);
    if (r.async) await r.value;
    return Atomics.load(this.counters, direction);
  }
}
