/**
 * The async ring's consumer (the introspection agent). Layout, loss policies and the
 * accounting invariant are described in async-ring.ts.
 */
import { intIn } from "../options.js";
import { RingCorruptionError } from "./errors.js";
import { ASYNC_HEADER_BYTES, ASYNC_SLOT_FIELD, AsyncRingRegion, checkRingSide, infoAux, infoKind, OVERWRITTEN, RecordKind, slotStamp, type LossPolicy } from "./async-ring.js";

const I32 = 4;
const STAMP_WORD = ASYNC_SLOT_FIELD.stamp / I32;
const INFO_WORD = ASYNC_SLOT_FIELD.info / I32;
/**
 * Up to this size a word loop copies as fast as set() from a kept slot view, and faster than
 * subarray() + set() (see copyPayload). Measured on Node 20 (x64), ns per copy out of a
 * SharedArrayBuffer: 64 B, words 22.5 / set(view) 21.0; 128 B, 59.0 / 16.6; 400 B, 198.5 / 38.2.
 */
const WORD_COPY_MAX_BYTES = 64;
const u32 = (v: number) => v >>> 0;

export interface AsyncConsumerCounters {
  /** EVENT records delivered. */
  consumed: number;
  /** Sum of the LOST records' counts (drop policy). */
  lostReported: number;
  /** Entries found overwritten (overwrite policy); mirrored into the shared counter. */
  overwritten: number;
}

export interface AsyncConsumerOptions {
  /**
   * Publish cons_idx after this many entries (and always when the ring looks empty). 1, the
   * default, returns every slot at once; larger values save shared-line writes in bulk
   * transfers at the price of the producer seeing free space a little later.
   */
  releaseEvery?: number;
}

/** The agent's side. Every entry is copied out and checked before it counts as consumed. */
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
    checkRingSide(region, policy);
    this.nr = region.geometry.nrSlots;
    this.payloadBytes = region.geometry.payloadBytes;
    const every = options?.releaseEvery === undefined ? 1 : intIn("releaseEvery", options.releaseEvery, 1, 2 ** 31);
    this.releaseEvery = Math.min(every, this.nr);
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
  /** Per slot, a view of its whole payload area, made on first use (large payloads only). */
  private readonly slotViews: Array<Uint8Array | undefined> = [];

  /**
   * Copies a payload out of its slot. Small word-aligned payloads are copied word by word
   * through a cached Int32Array view of `out` (WORD_COPY_MAX_BYTES). Larger ones are one
   * set() (a memcpy) from a view of the slot kept per slot, so a steady stream allocates
   * nothing (a subarray per event would be ~100 bytes of garbage per event, and garbage
   * collection pauses in the stream); only an event shorter than the slot's payload takes a
   * fresh subarray.
   */
  private copyPayload(from: number, out: Uint8Array, len: number, to = 0): void {
    if (len <= WORD_COPY_MAX_BYTES && ((len | to | out.byteOffset) & 3) === 0) {
      if (this.outFor !== out) {
        this.outFor = out;
        this.outWords = new Int32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
      }
      const dst = this.outWords!;
      const src = this.region.words;
      const base = from >> 2;
      const at = to >> 2;
      for (let i = 0, n = len >> 2; i < n; i++) dst[at + i] = src[base + i];
      return;
    }
    if (len === this.payloadBytes) {
      // `from` is a slot's payload offset: slots are equal strides after the header.
      const slot = (from - ASYNC_HEADER_BYTES - ASYNC_SLOT_FIELD.payload) / this.region.geometry.slotBytes;
      let view = this.slotViews[slot];
      if (view === undefined) view = this.slotViews[slot] = this.region.bytes.subarray(from, from + len);
      out.set(view, to);
      return;
    }
    out.set(this.region.bytes.subarray(from, from + len), to);
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
      const stampWord = at / I32 + ASYNC_SLOT_FIELD.stamp / I32;
      const infoWord = at / I32 + ASYNC_SLOT_FIELD.info / I32;
      const expected = slotStamp(this.cons, false);
      const atomic = this.policy === "overwrite";
      const stamp1 = u32(atomic ? Atomics.load(r.words, stampWord) : r.words[stampWord]);
      const info = u32(atomic ? Atomics.load(r.words, infoWord) : r.words[infoWord]);
      const kind = infoKind(info);
      const aux = infoAux(info);
      const len = Math.min(aux, this.payloadBytes, out.length);
      if (kind === RecordKind.EVENT) this.copyPayload(at + ASYNC_SLOT_FIELD.payload, out, len);
      if (atomic) {
        // Seqcount read side. The copy sits between two Atomics loads of the stamp, which V8
        // never reorders plain accesses across; a set writing bit, or a stamp that changed or
        // names another entry, means the copy may be torn or the entry is gone.
        const stamp2 = u32(Atomics.load(r.words, stampWord));
        const stable = stamp1 === stamp2 && (stamp1 & 1) === 0;
        // A stable stamp naming an entry *older* than ours cannot come from an honest producer.
        const behind = u32(expected - stamp1);
        if (stable && stamp1 !== expected && behind < 0x80000000)
          throw new RingCorruptionError("slot.stamp", `slot for entry ${this.cons} holds older entry ${stamp1 >>> 1}`);
        if (!stable || stamp1 !== expected) {
          // Rewritten before or during our copy (a newer entry took the slot): lost to us.
          this.countOverwritten(1);
          this.advance();
          continue;
        }
      } else if (stamp1 !== expected) {
        throw new RingCorruptionError("slot.stamp", `slot for entry ${this.cons} is stamped 0x${stamp1.toString(16)}`);
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
   * Bulk form of read() for consumers that process events in batches (the Disruptor's batching
   * consumer): copies up to `max` events, each into its own `payloadBytes` stride of `out`
   * (lengths into `lengths` if given), loading prod_idx once and publishing cons_idx every
   * `releaseEvery` entries and at the end.
   * Returns the number of events copied; 0 when the ring is empty.
   */
  readBatch(out: Uint8Array, max: number, lengths?: Uint32Array): number {
    const stride = this.payloadBytes;
    const room = Math.min(max, Math.floor(out.length / stride), lengths ? lengths.length : Infinity);
    if (this.policy === "overwrite") {
      // Each slot needs its own seqcount check: go through read() one event at a time.
      let k = 0;
      for (; k < room; k++) {
        const len = this.read(out.subarray(k * stride, (k + 1) * stride));
        if (len < 0) break;
        if (lengths) lengths[k] = len;
      }
      return k;
    }
    let n = u32(this.prodCache - this.cons);
    if (n === 0) n = this.available();
    const r = this.region;
    const words = r.words;
    const mask = this.nr - 1;
    const slotBytes = r.geometry.slotBytes;
    let k = 0;
    for (; n > 0 && k < room; n--) {
      const at = ASYNC_HEADER_BYTES + (this.cons & mask) * slotBytes;
      const w = at >> 2;
      // Plain reads: the Atomics.load of prod_idx (available) ordered them after the producer's writes.
      const stamp = words[w + STAMP_WORD] >>> 0;
      const info = words[w + INFO_WORD] >>> 0;
      const kind = infoKind(info);
      const aux = infoAux(info);
      if (stamp !== slotStamp(this.cons, false)) throw new RingCorruptionError("slot.stamp", `slot for entry ${this.cons} is stamped 0x${stamp.toString(16)}`);
      if (kind === RecordKind.EVENT) {
        if (aux > stride) throw new RingCorruptionError("slot.aux", `entry ${this.cons} claims ${aux} payload bytes in a ${stride}-byte slot`);
        this.copyPayload(at + ASYNC_SLOT_FIELD.payload, out, aux, k * stride);
        if (lengths) lengths[k] = aux;
        k++;
      } else if (kind === RecordKind.LOST) this.counters.lostReported += aux;
      else throw new RingCorruptionError("slot.kind", `entry ${this.cons} has kind ${kind}`);
      // Hand slots back every releaseEvery entries, not only at the end: a producer waiting
      // for room can refill the front of the ring while we copy the rest.
      this.cons = (this.cons + 1) >>> 0;
      if (((this.cons - this.published) >>> 0) >= this.releaseEvery) this.release();
    }
    this.counters.consumed += k;
    this.release(); // and whatever is left once the batch is copied
    return k;
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
      if (infoKind(this.region.words[at / I32 + ASYNC_SLOT_FIELD.info / I32] >>> 0) === RecordKind.EVENT) events++;
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
