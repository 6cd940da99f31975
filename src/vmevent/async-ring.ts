/**
 * The redesign's async path (docs/notes/vm_event.md §5.7, after perf §6.1 and PR#14 §5.6): a
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
 *   slot i at 128 + i × slot_bytes (an 8-byte header, so a 64-byte event takes 72 bytes)
 *   ┌───────────────────────────────┬────────────────────────────┬─────────────┐
 *   │ stamp u32                     │ info u32                   │ payload     │
 *   │ 0: entry index << 1 | writing │ 4: kind << 24 | aux (24 b) │ 8           │
 *   └───────────────────────────────┴────────────────────────────┴─────────────┘
 *   stamp: which entry the slot holds (low 31 bits of its free-running index) and, in the low
 *          bit, whether the producer is rewriting it: a seqcount and an index in one word.
 *   kind EVENT: aux = payload bytes. kind LOST: aux = events dropped since the last record.
 *   nr_slots = the largest power of two ≤ (pages × 4096 − 128) / slot_bytes (indices are masked).
 *
 * Loss policies when the ring is full:
 *  - drop:      the new event is dropped, `dropped` (shared, producer-written) counts it, and
 *               the next write that fits is preceded by an in-band LOST record (perf's
 *               PERF_RECORD_LOST). Unread entries are never overwritten.
 *  - overwrite: the producer does not read cons_idx; it overwrites the oldest entry. Each
 *               slot's stamp (writing bit set while being rewritten, index of the entry it
 *               holds) lets the consumer detect entries overwritten before or during its
 *               copy; it counts them in `overwritten` (shared, consumer-written).
 * Accounting invariant, once the consumer has drained: produced = consumed + dropped + overwritten.
 *
 * Publish/acquire: slot contents are written before prod_idx is stored; the consumer loads
 * prod_idx before copying; cons_idx is stored after the copy is done (drop policy: that store
 * is what lets the producer reuse the slot).
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn, oneOf } from "../options.js";
import { describeValue } from "../u64.js";
import { PAGE_SIZE, REQUEST_BYTES } from "./abi.js";
import { floorPow2 } from "./ring-layout.js";

const CACHE_LINE = 64;
export const ASYNC_HEADER_FIELD = {
  prodIdx: 0, policy: 4, nrSlots: 8, slotBytes: 12, dropped: 16,
  consIdx: CACHE_LINE, consEvent: CACHE_LINE + 4, overwritten: CACHE_LINE + 8,
} as const;
export const ASYNC_HEADER_BYTES = 2 * CACHE_LINE;
export const ASYNC_SLOT_FIELD = { stamp: 0, info: 4, payload: 8 } as const;

/** The stamp word of a slot holding entry `index`; `writing` while the producer rewrites it. */
export const slotStamp = (index: number, writing: boolean) => ((index << 1) | (writing ? 1 : 0)) >>> 0;

const KIND_SHIFT = 24;
/** Largest `aux` an info word carries (payload bytes, or a LOST count; bigger counts take several records). */
export const MAX_AUX = (1 << KIND_SHIFT) - 1;
export const packInfo = (kind: number, aux: number) => ((kind << KIND_SHIFT) | aux) >>> 0;
export const infoKind = (info: number) => info >>> KIND_SHIFT;
export const infoAux = (info: number) => info & MAX_AUX;

export const MIN_ASYNC_PAGES = 1;
export const MAX_ASYNC_PAGES = 128;

export const RecordKind = { EVENT: 1, LOST: 2 } as const;

export type LossPolicy = "drop" | "overwrite";
export const LOSS_POLICIES: readonly LossPolicy[] = ["drop", "overwrite"];
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
  intIn("async ring pages", pages, MIN_ASYNC_PAGES, MAX_ASYNC_PAGES);
  intIn("async ring payloadBytes", payloadBytes, 1, MAX_AUX);
  // Slots stay 4-byte aligned so the seq/index words can be used with Atomics.
  const slotBytes = ASYNC_SLOT_FIELD.payload + Math.ceil(payloadBytes / 4) * 4;
  const nrSlots = floorPow2(Math.floor((pages * PAGE_SIZE - ASYNC_HEADER_BYTES) / slotBytes));
  if (nrSlots < 2) throw new InvalidArgumentError("async ring pages", `${pages} page(s) hold fewer than 2 slots of ${slotBytes} bytes`);
  return { pages, payloadBytes, slotBytes, nrSlots, totalBytes: pages * PAGE_SIZE };
}

/** Element indices of the two shared u64 counters in AsyncRingRegion.counters. */
export const DROPPED = ASYNC_HEADER_FIELD.dropped / 8;
export const OVERWRITTEN = ASYNC_HEADER_FIELD.overwritten / 8;
const I32 = 4;
const u32 = (v: number) => v >>> 0;

/** The shared memory of one async ring; each side caches the geometry privately (never re-read). */
export class AsyncRingRegion {
  readonly words: Int32Array;
  readonly counters: BigInt64Array;
  readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer, readonly byteOffset: number, readonly geometry: AsyncRingGeometry) {
    if (byteOffset % 8 !== 0) throw new InvalidArgumentError("async ring byteOffset", `${byteOffset} is not 8-byte aligned`);
    if (byteOffset + geometry.totalBytes > buffer.byteLength) throw new InvalidArgumentError("async ring byteOffset", "the ring overruns its buffer");
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
    oneOf("policy", policy, LOSS_POLICIES);
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

/** What a producer or consumer is given: a real region and a known policy (else a typed error). */
export function checkRingSide(region: AsyncRingRegion, policy: LossPolicy): void {
  if (!(region instanceof AsyncRingRegion)) throw new InvalidArgumentError("region", `expected an AsyncRingRegion, got ${describeValue(region)}`);
  oneOf("policy", policy, LOSS_POLICIES);
}
