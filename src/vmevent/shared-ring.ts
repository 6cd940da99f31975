/**
 * A ring.h shared ring over a SharedArrayBuffer region (layout in ring-layout.ts).
 *
 * Thread contract: exactly one FrontRing (produces requests, consumes responses; Xen in
 * vm_event) and one BackRing (consumes requests, produces responses; the introspection
 * agent) per region, each owned by one thread. Shared indices are free-running u32s; the
 * private ones (req_prod_pvt/rsp_cons, rsp_prod_pvt/req_cons) never leave their owner.
 *
 * Publish/acquire: entries are copied into the slot *before* the producer index is stored
 * with Atomics.store (publish), and the reader loads the index with Atomics.load before
 * copying entries out (acquire). Atomics are sequentially consistent, which also gives the
 * "update index, full barrier, read event" order that push-and-check-notify needs.
 *
 * Trust: each side re-checks every index the other side writes. An index that claims more
 * entries than the protocol allows raises RingCorruptionError and changes nothing; slot
 * addresses are always reduced to [0, nrEnts) so no access leaves the region.
 */
import { InvalidArgumentError } from "../errors.js";
import { IllegalTransitionError, RingCorruptionError } from "./errors.js";
import { SRING_FIELD, SRING_HEADER_BYTES, ringBytes } from "./ring-layout.js";

const I32 = Int32Array.BYTES_PER_ELEMENT;
const u32 = (v: number) => v >>> 0;

/** 1 GiB: more than any ring (Xen's largest proposals are 128 pages), less than an allocation failure. */
const MAX_REGION_BYTES = 1 << 30;

/** The shared memory of one ring plus its geometry, cached privately by each side. */
export class SharedRingRegion {
  readonly header: Int32Array;
  readonly entries: Uint8Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly byteOffset: number,
    /** Slot count; a power of two in ring.h (any count ≥ 1 for the "no rounding" counterfactual). */
    readonly nrEnts: number,
    readonly entryBytes: number,
  ) {
    if (!Number.isInteger(nrEnts) || nrEnts < 1) throw new InvalidArgumentError("nrEnts", `ring needs ≥ 1 slot, got ${nrEnts}`);
    if (byteOffset % I32 !== 0) throw new InvalidArgumentError("byteOffset", `ring offset ${byteOffset} is not 4-byte aligned`);
    if (byteOffset + ringBytes(nrEnts, entryBytes) > buffer.byteLength)
      throw new InvalidArgumentError("byteOffset", `ring of ${nrEnts} × ${entryBytes} B at ${byteOffset} overruns a ${buffer.byteLength}-byte buffer`);
    this.header = new Int32Array(buffer, byteOffset, SRING_HEADER_BYTES / I32);
    this.entries = new Uint8Array(buffer, byteOffset + SRING_HEADER_BYTES, nrEnts * entryBytes);
  }

  /** A fresh region in its own SharedArrayBuffer, already initialised. */
  static create(nrEnts: number, entryBytes: number): SharedRingRegion {
    const bytes = ringBytes(nrEnts, entryBytes);
    if (bytes > MAX_REGION_BYTES) throw new InvalidArgumentError("nrEnts", `a ring of ${nrEnts} × ${entryBytes} B needs ${bytes} bytes; at most ${MAX_REGION_BYTES} are allocated`);
    const region = new SharedRingRegion(new SharedArrayBuffer(bytes), 0, nrEnts, entryBytes);
    region.init();
    return region;
  }

  /** SHARED_RING_INIT: both producer indices 0, both event indices 1 ("notify me at the first entry"). */
  init(): void {
    Atomics.store(this.header, SRING_FIELD.reqProd / I32, 0);
    Atomics.store(this.header, SRING_FIELD.rspProd / I32, 0);
    Atomics.store(this.header, SRING_FIELD.reqEvent / I32, 1);
    Atomics.store(this.header, SRING_FIELD.rspEvent / I32, 1);
  }

  load(field: keyof typeof SRING_FIELD): number {
    return u32(Atomics.load(this.header, SRING_FIELD[field] / I32));
  }

  store(field: keyof typeof SRING_FIELD, value: number): void {
    Atomics.store(this.header, SRING_FIELD[field] / I32, value | 0);
  }

  /** Byte offset of the slot a free-running index addresses (mask for powers of two, as ring.h does). */
  slotOffset(index: number): number {
    const n = this.nrEnts;
    const slot = (n & (n - 1)) === 0 ? index & (n - 1) : u32(index) % n;
    return slot * this.entryBytes;
  }

  copyIn(index: number, src: Uint8Array): void {
    if (src.length > this.entryBytes) throw new InvalidArgumentError("entry", `${src.length} B exceeds the ${this.entryBytes}-byte slot`);
    this.entries.set(src, this.slotOffset(index));
  }

  copyOut(index: number, dst: Uint8Array): void {
    const at = this.slotOffset(index);
    dst.set(this.entries.subarray(at, at + Math.min(dst.length, this.entryBytes)));
  }
}

/**
 * ring.h's notify test: the peer asked to be woken at index `event`; after moving the producer
 * index from `oldProd` to `newProd`, notify iff `event` lies in (oldProd, newProd].
 */
export function crossedEvent(oldProd: number, newProd: number, event: number): boolean {
  return u32(newProd - event) < u32(newProd - oldProd);
}

// FrontRing and BackRing mirror each other on purpose, as ring.h's front and back macros do.
/** The request producer / response consumer (Xen in vm_event). */
export class FrontRing {
  /** Requests written but maybe not yet pushed. */
  reqProdPvt = 0;
  /** Responses consumed so far. */
  rspCons = 0;
  /** req_prod as we last published it: our own copy, never re-read from shared memory. */
  private reqPushed = 0;

  constructor(readonly region: SharedRingRegion) {}

  get size(): number {
    return this.region.nrEnts;
  }

  /** RING_FREE_REQUESTS: a slot only comes back once its response has been consumed. */
  freeRequests(): number {
    return this.size - u32(this.reqProdPvt - this.rspCons);
  }

  full(): boolean {
    return this.freeRequests() === 0;
  }

  /** Copies one request into the next slot (not yet visible to the back end). */
  writeRequest(src: Uint8Array): void {
    if (this.full()) throw new IllegalTransitionError("ring full: the caller must hold a free slot (reserve first)");
    this.region.copyIn(this.reqProdPvt, src);
    this.reqProdPvt = u32(this.reqProdPvt + 1);
  }

  /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publish, then tell whether the back end wants an event. */
  pushRequestsAndCheckNotify(): boolean {
    const oldProd = this.reqPushed;
    const newProd = this.reqProdPvt;
    this.region.store("reqProd", newProd); // publish: the entries were copied before this store
    this.reqPushed = newProd;
    return crossedEvent(oldProd, newProd, this.region.load("reqEvent"));
  }

  /** RING_PUSH_REQUESTS: publish without looking at req_event (what Xen's vm_event does). */
  pushRequests(): void {
    this.region.store("reqProd", this.reqProdPvt);
    this.reqPushed = this.reqProdPvt;
  }

  /** Resumes from given indices (tests of the u32 wrap; a restored consumer). */
  resetIndices(index: number): void {
    this.reqProdPvt = this.rspCons = this.reqPushed = index >>> 0;
  }

  /**
   * RING_HAS_UNCONSUMED_RESPONSES, validated: the back end cannot have answered more requests
   * than we have published, so rsp_prod − rsp_cons must be ≤ req_prod − rsp_cons, with
   * req_prod taken from our private copy (the shared one is writable by the peer).
   */
  unconsumedResponses(): number {
    const rspProd = this.region.load("rspProd");
    const pending = u32(rspProd - this.rspCons);
    const outstanding = u32(this.reqPushed - this.rspCons);
    if (pending > outstanding)
      throw new RingCorruptionError("rsp_prod", `${rspProd} claims ${pending} responses but only ${outstanding} requests are outstanding (rsp_cons ${this.rspCons})`);
    return pending;
  }

  /** Copies the next response out (the caller uses the copy, never the shared slot) and frees its slot. */
  takeResponse(dst: Uint8Array): boolean {
    if (this.unconsumedResponses() === 0) return false;
    this.region.copyOut(this.rspCons, dst);
    this.rspCons = u32(this.rspCons + 1);
    return true;
  }

  /** RING_FINAL_CHECK_FOR_RESPONSES: re-arm rsp_event, then look again to close the race. */
  finalCheckForResponses(): boolean {
    if (this.unconsumedResponses() > 0) return true;
    this.region.store("rspEvent", this.rspCons + 1);
    return this.unconsumedResponses() > 0;
  }
}

/** The request consumer / response producer (the introspection agent in vm_event). */
export class BackRing {
  rspProdPvt = 0;
  reqCons = 0;

  constructor(readonly region: SharedRingRegion) {}

  /** Resumes from given indices (tests of the u32 wrap; a restored consumer). */
  resetIndices(index: number): void {
    this.rspProdPvt = this.reqCons = index >>> 0;
  }

  get size(): number {
    return this.region.nrEnts;
  }

  /**
   * RING_HAS_UNCONSUMED_REQUESTS, validated: the front end can have at most nrEnts requests
   * beyond the responses we produced, so req_prod − rsp_prod_pvt must be ≤ nrEnts.
   */
  unconsumedRequests(): number {
    const reqProd = this.region.load("reqProd");
    const inFlight = u32(reqProd - this.rspProdPvt);
    if (inFlight > this.size)
      throw new RingCorruptionError("req_prod", `${reqProd} puts ${inFlight} requests in a ${this.size}-slot ring (rsp_prod_pvt ${this.rspProdPvt})`);
    const unconsumed = u32(reqProd - this.reqCons);
    if (unconsumed > inFlight) throw new RingCorruptionError("req_prod", `${reqProd} went back behind req_cons ${this.reqCons}`);
    return unconsumed;
  }

  /** Copies the next request out and advances req_cons. */
  takeRequest(dst: Uint8Array): boolean {
    if (this.unconsumedRequests() === 0) return false;
    this.region.copyOut(this.reqCons, dst);
    this.reqCons = u32(this.reqCons + 1);
    return true;
  }

  /** Writes a response into the next response slot (only slots whose request was consumed). */
  writeResponse(src: Uint8Array): void {
    if (u32(this.reqCons - this.rspProdPvt) === 0) throw new IllegalTransitionError("no consumed request to answer: responding would overwrite an unread request");
    this.region.copyIn(this.rspProdPvt, src);
    this.rspProdPvt = u32(this.rspProdPvt + 1);
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY. */
  pushResponsesAndCheckNotify(): boolean {
    const oldProd = this.region.load("rspProd");
    const newProd = this.rspProdPvt;
    this.region.store("rspProd", newProd); // publish: responses were copied before this store
    return crossedEvent(oldProd, newProd, this.region.load("rspEvent"));
  }

  /** RING_FINAL_CHECK_FOR_REQUESTS: re-arm req_event, then look again. */
  finalCheckForRequests(): boolean {
    if (this.unconsumedRequests() > 0) return true;
    this.region.store("reqEvent", this.reqCons + 1);
    return this.unconsumedRequests() > 0;
  }
}

