/**
 * The redesign's async path (research/vm_event.md §5.7, after perf §6.1 and PR#14 §5.6): a
 * multi-page ring (1 to 128 pages) whose producer (Xen) never blocks, one producer and one
 * consumer. Credit returns when the consumer advances cons_idx; no response is needed.
 *
 *   header (128 bytes: one 64-byte cache line per writer, so the two sides never write the
 *   same line — the Disruptor's padding against false sharing)
 *   line 0, written by the producer only
 *   ┌──────────┬────────┬──────────┬────────────┬──────────────┬──────────┐
 *   │ prod_idx │ policy │ nr_slots │ slot_bytes │ dropped u64  │ reserved │
 *   │ 0    u32 │ 4  u32 │ 8    u32 │ 12     u32 │ 16           │ 24 (40)  │
 *   └──────────┴────────┴──────────┴────────────┴──────────────┴──────────┘
 *   line 1, written by the consumer only
 *   ┌──────────┬────────────┬──────────────────┬──────────┐
 *   │ cons_idx │ cons_event │ overwritten u64  │ reserved │
 *   │ 64   u32 │ 68     u32 │ 72               │ 80 (48)  │
 *   └──────────┴────────────┴──────────────────┴──────────┘
 *   slot i at 128 + i × slot_bytes
 *   ┌──────────┬───────────┬──────────┬──────────┬─────────────────────┐
 *   │ seq u32  │ index u32 │ kind u32 │ aux u32  │ payload             │
 *   │ 0        │ 4         │ 8        │ 12       │ 16                  │
 *   └──────────┴───────────┴──────────┴──────────┴─────────────────────┘
 *   kind EVENT: aux = payload bytes. kind LOST: aux = events dropped since the last record.
 *   nr_slots = the largest power of two ≤ (pages × 4096 − 128) / slot_bytes (indices are masked).
 *
 * Loss policies when the ring is full:
 *  - drop:      the new event is dropped, `dropped` (shared, producer-written) counts it, and
 *               the next write that fits is preceded by an in-band LOST record (perf's
 *               PERF_RECORD_LOST). Unread entries are never overwritten.
 *  - overwrite: the producer does not read cons_idx; it overwrites the oldest entry. Each
 *               slot's seqcount (odd while being written) and stamped index let the consumer
 *               detect entries overwritten before or during its copy; it counts them in
 *               `overwritten` (shared, consumer-written).
 * Accounting invariant, once the consumer has drained: produced = consumed + dropped + overwritten.
 *
 * Publish/acquire: slot contents are written before prod_idx is stored; the consumer loads
 * prod_idx before copying; cons_idx is stored after the copy is done (drop policy: that store
 * is what lets the producer reuse the slot).
 */
import { PAGE_SIZE, REQUEST_BYTES } from "./abi.js";
import { RingCorruptionError } from "./errors.js";
import { floorPow2 } from "./ring-layout.js";
import { crossedEvent } from "./shared-ring.js";

const CACHE_LINE = 64;
export const ASYNC_HEADER_FIELD = {
  prodIdx: 0, policy: 4, nrSlots: 8, slotBytes: 12, dropped: 16,
  consIdx: CACHE_LINE, consEvent: CACHE_LINE + 4, overwritten: CACHE_LINE + 8,
} as const;
export const ASYNC_HEADER_BYTES = 2 * CACHE_LINE;
export const ASYNC_SLOT_FIELD = { seq: 0, index: 4, kind: 8, aux: 12, payload: 16 } as const;

export const MIN_ASYNC_PAGES = 1;
export const MAX_ASYNC_PAGES = 128;

export const RecordKind = { EVENT: 1, LOST: 2 } as const;

export type LossPolicy = "drop" | "overwrite";
const POLICY_CODE: Record<LossPolicy, number> = { drop: 1, overwrite: 2 };

export interface AsyncRingGeometry {
  pages: number;
  payloadBytes: number;
  slotBytes: number;
  nrSlots: number;
  totalBytes: number;
}

/** The geometry of an async ring of `pages` pages carrying `payloadBytes`-byte events. */
export function asyncRingGeometry(pages: number, payloadBytes = REQUEST_BYTES): AsyncRingGeometry {
  if (!Number.isInteger(pages) || pages < MIN_ASYNC_PAGES || pages > MAX_ASYNC_PAGES)
    throw new RangeError(`async ring pages must be an integer in ${MIN_ASYNC_PAGES}..${MAX_ASYNC_PAGES}, got ${pages}`);
  // Slots stay 4-byte aligned so the seq/index words can be used with Atomics.
  const slotBytes = ASYNC_SLOT_FIELD.payload + Math.ceil(payloadBytes / 4) * 4;
  const nrSlots = floorPow2(Math.floor((pages * PAGE_SIZE - ASYNC_HEADER_BYTES) / slotBytes));
  if (nrSlots < 2) throw new RangeError(`${pages} page(s) hold fewer than 2 slots of ${slotBytes} bytes`);
  return { pages, payloadBytes, slotBytes, nrSlots, totalBytes: pages * PAGE_SIZE };
}

const I32 = 4;
const DROPPED = ASYNC_HEADER_FIELD.dropped / 8;
const OVERWRITTEN = ASYNC_HEADER_FIELD.overwritten / 8;
const u32 = (v: number) => v >>> 0;

/** The shared memory of one async ring; each side caches the geometry privately (never re-read). */
export class AsyncRingRegion {
  readonly words: Int32Array;
  readonly counters: BigInt64Array;
  readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer, readonly byteOffset: number, readonly geometry: AsyncRingGeometry) {
    if (byteOffset % 8 !== 0) throw new RangeError(`async ring offset ${byteOffset} is not 8-byte aligned`);
    if (byteOffset + geometry.totalBytes > buffer.byteLength) throw new RangeError("async ring overruns its buffer");
    this.words = new Int32Array(buffer, byteOffset, geometry.totalBytes / I32);
    this.counters = new BigInt64Array(buffer, byteOffset, ASYNC_HEADER_BYTES / 8);
    this.bytes = new Uint8Array(buffer, byteOffset, geometry.totalBytes);
  }

  static create(pages: number, policy: LossPolicy, payloadBytes = REQUEST_BYTES): AsyncRingRegion {
    const g = asyncRingGeometry(pages, payloadBytes);
    const region = new AsyncRingRegion(new SharedArrayBuffer(g.totalBytes), 0, g);
    region.init(policy);
    return region;
  }

  init(policy: LossPolicy): void {
    this.words.fill(0);
    this.storeHeader("consEvent", 1);
    this.storeHeader("policy", POLICY_CODE[policy]);
    this.storeHeader("nrSlots", this.geometry.nrSlots);
    this.storeHeader("slotBytes", this.geometry.slotBytes);
  }

  loadHeader(field: keyof typeof ASYNC_HEADER_FIELD): number {
    return u32(Atomics.load(this.words, ASYNC_HEADER_FIELD[field] / I32));
  }

  storeHeader(field: keyof typeof ASYNC_HEADER_FIELD, v: number): void {
    Atomics.store(this.words, ASYNC_HEADER_FIELD[field] / I32, v | 0);
  }

  /** Shared `dropped` (written by the producer only). */
  dropped(): number {
    return Number(Atomics.load(this.counters, DROPPED));
  }

  /** Shared `overwritten` (written by the consumer only). */
  overwritten(): number {
    return Number(Atomics.load(this.counters, OVERWRITTEN));
  }

  /** Byte offset (within the region) of the slot a free-running index addresses. */
  slotAt(index: number): number {
    return ASYNC_HEADER_BYTES + (index & (this.geometry.nrSlots - 1)) * this.geometry.slotBytes;
  }
}

/** How the producer decides to raise the consumer's event channel. */
export type NotifyMode = "event" | "batch";

export interface AsyncProducerCounters {
  produced: number;
  lostRecords: number;
}

/** Xen's side. Never blocks, never waits: `write` either stores the event or counts it lost. */
export class AsyncRingProducer {
  private prod = 0;
  /** Last cons_idx read; re-read only when it shows too little room (saves a shared-line read per event). */
  private consCache = 0;
  /** Drops not yet reported in-band. */
  private lostPending = 0;
  readonly counters: AsyncProducerCounters = { produced: 0, lostRecords: 0 };
  private readonly nr: number;

  constructor(readonly region: AsyncRingRegion, readonly policy: LossPolicy) {
    this.nr = region.geometry.nrSlots;
  }

  /** Free slots as far as the producer can tell; re-reads cons_idx when the cached value shows fewer than `need`. */
  free(need = 1): number {
    if (this.policy === "overwrite") return this.nr;
    let free = this.nr - u32(this.prod - this.consCache);
    if (free >= need) return free;
    const cons = this.region.loadHeader("consIdx");
    const inUse = u32(this.prod - cons);
    // The consumer cannot have consumed entries that were never produced, nor gone backwards.
    if (inUse > this.nr || u32(cons - this.consCache) > u32(this.prod - this.consCache))
      throw new RingCorruptionError("cons_idx", `${cons} is outside [${this.consCache}, ${this.prod}] (prod_idx ${this.prod})`);
    this.consCache = cons;
    free = this.nr - inUse;
    return free;
  }

  private fill(index: number, kind: number, aux: number, payload: Uint8Array | undefined): void {
    const r = this.region;
    const at = r.slotAt(index);
    const w = at / I32;
    if (this.policy === "drop") {
      // Plain stores: the Atomics.store of prod_idx that follows publishes them.
      r.words[w + ASYNC_SLOT_FIELD.index / I32] = index;
      r.words[w + ASYNC_SLOT_FIELD.kind / I32] = kind;
      r.words[w + ASYNC_SLOT_FIELD.aux / I32] = aux;
      if (payload) this.copyPayload(payload, at + ASYNC_SLOT_FIELD.payload);
      return;
    }
    // Overwrite: the consumer may be reading this very slot. seqcount write side (only the
    // producer writes seq, so it is even here): odd while rewriting, even once complete.
    const seqWord = w + ASYNC_SLOT_FIELD.seq / I32;
    const seq = r.words[seqWord];
    Atomics.store(r.words, seqWord, seq + 1);
    Atomics.store(r.words, w + ASYNC_SLOT_FIELD.index / I32, index);
    Atomics.store(r.words, w + ASYNC_SLOT_FIELD.kind / I32, kind);
    Atomics.store(r.words, w + ASYNC_SLOT_FIELD.aux / I32, aux);
    if (payload) this.copyPayload(payload, at + ASYNC_SLOT_FIELD.payload);
    Atomics.store(r.words, seqWord, seq + 2);
  }

  /**
   * Writes one event, never waiting. Returns false when it was dropped (drop policy, ring
   * full); afterwards shouldNotify() tells whether the consumer asked to be woken.
   */
  write(payload: Uint8Array): boolean {
    if (payload.length > this.region.geometry.payloadBytes)
      throw new RangeError(`event of ${payload.length} B exceeds the ${this.region.geometry.payloadBytes}-byte payload`);
    this.counters.produced++;
    const start = this.prod;
    if (this.policy === "drop") {
      // A pending LOST record must go first, so the event needs one more slot.
      const need = this.lostPending > 0 ? 2 : 1;
      if (this.free(need) < need) {
        this.lostPending++;
        Atomics.add(this.region.counters, DROPPED, 1n);
        return false;
      }
      if (this.lostPending > 0) {
        this.fill(this.prod, RecordKind.LOST, this.lostPending, undefined);
        this.prod = u32(this.prod + 1);
        this.lostPending = 0;
        this.counters.lostRecords++;
      }
    }
    this.fill(this.prod, RecordKind.EVENT, payload.length, payload);
    this.prod = u32(this.prod + 1);
    this.region.storeHeader("prodIdx", this.prod); // publish: slot contents were written first
    this.lastStart = start;
    return true;
  }

  /** prod_idx before the last successful write (for shouldNotify). */
  private lastStart = 0;

  /**
   * After a successful write: did prod_idx cross the consumer's cons_event (ring.h-style
   * batching)? Read only when asked, so producers that notify per event never touch the
   * consumer's cache line.
   */
  shouldNotify(): boolean {
    return crossedEvent(this.lastStart, this.prod, this.region.loadHeader("consEvent"));
  }

  private payloadWords: Int32Array | undefined;
  private payloadFor: Uint8Array | undefined;

  /** Copies a payload into its slot: word by word through a cached view when aligned (no per-event allocation). */
  private copyPayload(payload: Uint8Array, to: number): void {
    if ((payload.length & 3) === 0 && (payload.byteOffset & 3) === 0) {
      if (this.payloadFor !== payload) {
        this.payloadFor = payload;
        this.payloadWords = new Int32Array(payload.buffer, payload.byteOffset, payload.length >> 2);
      }
      const src = this.payloadWords!;
      const dst = this.region.words;
      const base = to >> 2;
      for (let i = 0; i < src.length; i++) dst[base + i] = src[i];
      return;
    }
    this.region.bytes.set(payload, to);
  }

  /** Events dropped so far but not yet reported in-band. */
  unreportedLost(): number {
    return this.lostPending;
  }
}

export interface AsyncConsumerCounters {
  /** EVENT records delivered. */
  consumed: number;
  /** Sum of the LOST records' counts (drop policy). */
  lostReported: number;
  /** Entries found overwritten (overwrite policy); mirrored into the shared counter. */
  overwritten: number;
}

/** The agent's side. Every entry is copied out and checked before it counts as consumed. */
export interface AsyncConsumerOptions {
  /**
   * Publish cons_idx after this many entries (and always when the ring looks empty). 1, the
   * default, returns every slot at once; larger values save shared-line writes in bulk
   * transfers at the price of the producer seeing free space a little later.
   */
  releaseEvery?: number;
}

export class AsyncRingConsumer {
  private cons = 0;
  /** cons_idx as last published. */
  private published = 0;
  /** Last prod_idx read; re-read only when the cached value says "empty". */
  private prodCache = 0;
  readonly counters: AsyncConsumerCounters = { consumed: 0, lostReported: 0, overwritten: 0 };
  private readonly nr: number;
  private readonly payloadBytes: number;
  private readonly releaseEvery: number;

  constructor(readonly region: AsyncRingRegion, readonly policy: LossPolicy, options: AsyncConsumerOptions = {}) {
    this.nr = region.geometry.nrSlots;
    this.payloadBytes = region.geometry.payloadBytes;
    this.releaseEvery = Math.max(1, Math.min(options.releaseEvery ?? 1, this.nr));
  }

  /** Entries published and not yet consumed (validated: never more than the ring holds under drop). */
  available(): number {
    const prod = this.region.loadHeader("prodIdx");
    const n = u32(prod - this.cons);
    if (this.policy === "drop" && n > this.nr) throw new RingCorruptionError("prod_idx", `${prod} puts ${n} entries in a ${this.nr}-slot ring (cons_idx ${this.cons})`);
    this.prodCache = prod;
    return n;
  }

  private outWords: Int32Array | undefined;
  private outFor: Uint8Array | undefined;

  /**
   * Copies a payload out of its slot. Word-aligned copies go through an Int32Array view of
   * `out` (cached), avoiding a subarray allocation per event; others use set().
   */
  private copyPayload(from: number, out: Uint8Array, len: number): void {
    if ((len & 3) === 0 && (out.byteOffset & 3) === 0) {
      if (this.outFor !== out) {
        this.outFor = out;
        this.outWords = new Int32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
      }
      const dst = this.outWords!;
      const src = this.region.words;
      const base = from >> 2;
      for (let i = 0, n = len >> 2; i < n; i++) dst[i] = src[base + i];
      return;
    }
    out.set(this.region.bytes.subarray(from, from + len));
  }

  /** Publishes cons_idx: the producer may reuse every slot read so far. */
  release(): void {
    if (this.published !== this.cons) {
      this.region.storeHeader("consIdx", this.cons);
      this.published = this.cons;
    }
  }

  private advance(): void {
    this.cons = u32(this.cons + 1);
    if (u32(this.cons - this.published) >= this.releaseEvery) this.release();
  }

  private countOverwritten(n: number): void {
    this.counters.overwritten += n;
    Atomics.add(this.region.counters, OVERWRITTEN, BigInt(n));
  }

  /**
   * Reads the next EVENT into `out` and returns its length, or -1 when the ring is empty.
   * LOST records are folded into the counters on the way.
   */
  read(out: Uint8Array): number {
    for (;;) {
      let n = u32(this.prodCache - this.cons);
      if (n === 0 || this.policy === "overwrite") n = this.available();
      if (n === 0) {
        this.release();
        return -1;
      }
      if (this.policy === "overwrite" && n > this.nr) {
        // The producer lapped us: everything older than the last nr entries is gone.
        this.countOverwritten(n - this.nr);
        this.cons = u32(this.cons + (n - this.nr));
        n = this.nr;
      }
      const r = this.region;
      const at = r.slotAt(this.cons);
      const w = at / I32;
      const atomic = this.policy === "overwrite";
      const seq1 = atomic ? Atomics.load(r.words, w + ASYNC_SLOT_FIELD.seq / I32) : 0;
      const index = u32(atomic ? Atomics.load(r.words, w + ASYNC_SLOT_FIELD.index / I32) : r.words[w + ASYNC_SLOT_FIELD.index / I32]);
      const kind = atomic ? Atomics.load(r.words, w + ASYNC_SLOT_FIELD.kind / I32) : r.words[w + ASYNC_SLOT_FIELD.kind / I32];
      const aux = u32(atomic ? Atomics.load(r.words, w + ASYNC_SLOT_FIELD.aux / I32) : r.words[w + ASYNC_SLOT_FIELD.aux / I32]);
      const len = Math.min(aux, this.payloadBytes, out.length);
      if (kind === RecordKind.EVENT) this.copyPayload(at + ASYNC_SLOT_FIELD.payload, out, len);
      if (this.policy === "overwrite") {
        // seqcount read side. The payload copy above sits between two Atomics loads, which V8
        // never reorders plain accesses across; a changed or odd count means the copy may be torn.
        const seq2 = Atomics.load(r.words, w + ASYNC_SLOT_FIELD.seq / I32);
        const stable = seq1 === seq2 && (seq1 & 1) === 0;
        // A stable slot stamped with an entry *older* than ours cannot come from an honest producer.
        if (stable && index !== this.cons && u32(this.cons - index) < 0x80000000)
          throw new RingCorruptionError("slot.index", `slot for entry ${this.cons} is stamped with older entry ${index}`);
        if (!stable || index !== this.cons) {
          // Rewritten before or during our copy (a newer entry took the slot): lost to us.
          this.countOverwritten(1);
          this.advance();
          continue;
        }
      } else if (index !== this.cons) {
        throw new RingCorruptionError("slot.index", `slot for entry ${this.cons} is stamped ${index}`);
      }
      if (kind !== RecordKind.EVENT && kind !== RecordKind.LOST) throw new RingCorruptionError("slot.kind", `entry ${this.cons} has kind ${kind}`);
      if (kind === RecordKind.EVENT && aux > this.payloadBytes) throw new RingCorruptionError("slot.aux", `entry ${this.cons} claims ${aux} payload bytes in a ${this.payloadBytes}-byte slot`);
      this.advance(); // the slot is released (cons_idx published) only after the copy
      if (kind === RecordKind.LOST) {
        this.counters.lostReported += aux;
        continue;
      }
      this.counters.consumed++;
      return len;
    }
  }

  /**
   * Diagnostic (end-of-run accounting): how many unread entries are events, and how many an
   * overwrite-policy producer has already lapped. LOST records are not events.
   */
  backlog(): { events: number; overwrittenUnseen: number } {
    const unread = u32(this.region.loadHeader("prodIdx") - this.cons);
    const overwrittenUnseen = this.policy === "overwrite" ? Math.max(0, unread - this.nr) : 0;
    const readable = Math.min(unread, this.nr);
    let events = 0;
    for (let i = 0; i < readable; i++) {
      const at = this.region.slotAt(u32(this.cons + overwrittenUnseen + i));
      if (this.region.words[at / I32 + ASYNC_SLOT_FIELD.kind / I32] === RecordKind.EVENT) events++;
    }
    return { events, overwrittenUnseen };
  }

  /** Re-arms cons_event ("wake me at the next entry"), then re-checks to close the race. */
  finalCheck(): boolean {
    this.release();
    if (this.available() > 0) return true;
    this.region.storeHeader("consEvent", this.cons + 1);
    return this.available() > 0;
  }
}
