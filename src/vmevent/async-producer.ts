/**
 * The async ring's producer (Xen). Layout, loss policies and the accounting invariant are
 * described in async-ring.ts. Never blocks, never waits.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { RingCorruptionError } from "./errors.js";
import { ASYNC_HEADER_FIELD, ASYNC_SLOT_FIELD, AsyncRingRegion, checkRingSide, DROPPED, MAX_AUX, packInfo, RecordKind, slotStamp, type LossPolicy } from "./async-ring.js";
import { crossedEvent } from "./shared-ring.js";

const I32 = 4;
const PROD_WORD = ASYNC_HEADER_FIELD.prodIdx / I32;
const u32 = (v: number) => v >>> 0;

/** How the producer decides to raise the consumer's event channel. */
export type NotifyMode = "event" | "batch";

export interface AsyncProducerOptions {
  /**
   * Publish prod_idx after this many entries; flush() publishes the rest. 1, the default,
   * makes every event visible as it is written (one shared-line store per event). A bulk
   * producer that calls flush() at the end of each burst (and before it waits for room)
   * saves the consumer's core a re-read of the producer's header line per event: ring.h's
   * RING_PUSH_REQUESTS after a batch, rather than after each request.
   */
  publishEvery?: number;
}

export interface AsyncProducerCounters {
  produced: number;
  lostRecords: number;
}

/** Xen's side. Never blocks, never waits: `write` either stores the event or counts it lost. */
export class AsyncRingProducer {
  private prod = 0;
  /** prod_idx as last published (entries in [published, prod) are written, not yet visible). */
  private published = 0;
  /** Last cons_idx read; re-read only when it shows too little room (saves a shared-line read per event). */
  private consCache = 0;
  /** Drops not yet reported in-band. */
  private lostPending = 0;
  readonly counters: AsyncProducerCounters = { produced: 0, lostRecords: 0 };
  private readonly nr: number;
  private readonly publishEvery: number;

  constructor(readonly region: AsyncRingRegion, readonly policy: LossPolicy, options: AsyncProducerOptions = {}) {
    checkRingSide(region, policy);
    this.nr = region.geometry.nrSlots;
    const every = options?.publishEvery === undefined ? 1 : intIn("publishEvery", options.publishEvery, 1, 2 ** 31);
    this.publishEvery = Math.min(every, this.nr);
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
    const stampWord = at / I32 + ASYNC_SLOT_FIELD.stamp / I32;
    const infoWord = at / I32 + ASYNC_SLOT_FIELD.info / I32;
    if (this.policy === "drop") {
      // Plain stores: the Atomics.store of prod_idx that follows publishes them.
      r.words[stampWord] = slotStamp(index, false);
      r.words[infoWord] = packInfo(kind, aux);
      if (payload) this.copyPayload(payload, at + ASYNC_SLOT_FIELD.payload);
      return;
    }
    // Overwrite: the consumer may be reading this very slot. Seqcount write side: the
    // writing bit is set while the contents change and cleared once they are complete.
    Atomics.store(r.words, stampWord, slotStamp(index, true));
    Atomics.store(r.words, infoWord, packInfo(kind, aux));
    if (payload) this.copyPayload(payload, at + ASYNC_SLOT_FIELD.payload);
    Atomics.store(r.words, stampWord, slotStamp(index, false));
  }

  /**
   * Writes one event, never waiting. Returns false when it was dropped (drop policy, ring
   * full); afterwards shouldNotify() tells whether the consumer asked to be woken.
   */
  write(payload: Uint8Array): boolean {
    if (payload.length > this.region.geometry.payloadBytes)
      throw new InvalidArgumentError("payload", `event of ${payload.length} B exceeds the ${this.region.geometry.payloadBytes}-byte payload`);
    this.counters.produced++;
    if (this.policy === "drop") {
      // Pending LOST records must go first (one per MAX_AUX losses), so the event needs more room.
      const need = this.lostPending === 0 ? 1 : 1 + Math.ceil(this.lostPending / MAX_AUX);
      // The cached cons_idx usually shows room: then free() (and its shared read) is skipped.
      if (this.nr - u32(this.prod - this.consCache) < need && this.free(need) < need) {
        this.flush(); // a full ring is all visible: the consumer must be able to make room
        this.lostPending++;
        Atomics.add(this.region.counters, DROPPED, 1n);
        return false;
      }
      while (this.lostPending > 0) {
        const count = Math.min(this.lostPending, MAX_AUX);
        this.fill(this.prod, RecordKind.LOST, count, undefined);
        this.prod = u32(this.prod + 1);
        this.lostPending -= count;
        this.counters.lostRecords++;
      }
    }
    this.fill(this.prod, RecordKind.EVENT, payload.length, payload);
    this.prod = u32(this.prod + 1);
    if (u32(this.prod - this.published) >= this.publishEvery) this.flush();
    return true;
  }

  /** Publishes prod_idx: every entry written so far becomes visible to the consumer. */
  flush(): void {
    if (this.published === this.prod) return;
    this.lastStart = this.published;
    Atomics.store(this.region.words, PROD_WORD, this.prod); // publish: slot contents were written first
    this.published = this.prod;
  }

  /** prod_idx before the last publish (for shouldNotify). */
  private lastStart = 0;

  /**
   * After a write that published (every write, with publishEvery 1) or a flush(): did
   * prod_idx cross the consumer's cons_event (ring.h-style batching)? Read only when asked,
   * so producers that notify per event never touch the consumer's cache line.
   */
  shouldNotify(): boolean {
    return crossedEvent(this.lastStart, this.published, this.region.loadHeader("consEvent"));
  }

  /** Copies a payload into its slot: TypedArray.set from a whole array allocates nothing and is a memcpy. */
  private copyPayload(payload: Uint8Array, to: number): void {
    this.region.bytes.set(payload, to);
  }

  /** Events dropped so far but not yet reported in-band. */
  unreportedLost(): number {
    return this.lostPending;
  }
}
