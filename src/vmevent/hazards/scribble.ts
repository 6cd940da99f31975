/**
 * The scribbling guest (issue 12 §3, docs/notes/vm_event.md §5.8): a guest thread writes random
 * words into guest memory while Xen and the agent move events.
 *  - legacy: the ring is a guest page, so the writes land in its header and slots. Xen's
 *    producer (FrontRing) and the agent (BackRing) re-check every shared index and refuse
 *    what cannot be true (RingCorruptionError); the agent also checks every request it copies
 *    out (version, vCPU, a fresh tag, its payload pattern). After a detected corruption the
 *    ring is re-initialised and what was in flight is lost. Every slot access goes through a
 *    bounds check that counts accesses outside the ring.
 *  - new: the rings are pages Xen allocates and the agent maps (acquire_resource style); the
 *    guest has no mapping of them, so its writes land in its own memory only.
 * Events lost = produced − delivered intact.
 */
import { REQUEST_BYTES, VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION, VM_EVENT_REASON } from "../abi.js";
import { AsyncRingRegion } from "../async-ring.js";
import { AsyncRingConsumer } from "../async-consumer.js";
import { AsyncRingProducer } from "../async-producer.js";
import { RingCorruptionError } from "../errors.js";
import { answer, newEntry, readHeader, readTag, writeHeader, writeTag } from "../request.js";
import { BackRing, FrontRing, SharedRingRegion } from "../shared-ring.js";
import { SyncSlotRegion, SyncSlotsConsumer, SyncSlotsXen } from "../sync-slots.js";

const PATTERN_AT = 64;

/** A request the agent can recognise: header, tag, and a payload pattern derived from the tag. */
export function stampRequest(entry: Uint8Array, tag: number, sync: boolean): void {
  writeHeader(entry, {
    version: VM_EVENT_INTERFACE_VERSION, flags: sync ? VM_EVENT_FLAG.VCPU_PAUSED : 0,
    reason: sync ? VM_EVENT_REASON.SOFTWARE_BREAKPOINT : VM_EVENT_REASON.MEM_ACCESS, vcpuId: 0,
  });
  writeTag(entry, tag);
  for (let i = PATTERN_AT; i < entry.length; i++) entry[i] = (tag * 7 + i) & 0xff;
}

/** The agent's checks on a copied-out request: what it expects next, untouched. */
export function intact(entry: Uint8Array, tag: number): boolean {
  const h = readHeader(entry);
  if (h.version !== VM_EVENT_INTERFACE_VERSION || h.vcpuId !== 0 || readTag(entry) !== tag) return false;
  for (let i = PATTERN_AT; i < entry.length; i++) if (entry[i] !== ((tag * 7 + i) & 0xff)) return false;
  return true;
}

/** A ring region whose slot accesses are checked against the ring's bounds and counted. */
export class BoundsCheckedRing extends SharedRingRegion {
  outOfBounds = 0;

  private inside(index: number): boolean {
    const at = this.slotOffset(index);
    if (Number.isInteger(at) && at >= 0 && at + this.entryBytes <= this.entries.length) return true;
    this.outOfBounds++;
    return false;
  }

  override copyIn(index: number, src: Uint8Array): void {
    if (this.inside(index)) super.copyIn(index, src);
  }

  override copyOut(index: number, dst: Uint8Array): void {
    if (this.inside(index)) super.copyOut(index, dst);
  }
}

export interface ScribbleOutcome {
  produced: number;
  delivered: number;
  /** Corruptions Xen's side detected (bad rsp_prod), the agent's side (bad req_prod), and requests it refused. */
  xenDetected: number;
  agentDetected: number;
  refusedRequests: number;
  /** Times the ring was re-initialised (after a detection or a stall). */
  resets: number;
  outOfBounds: number;
}

/** Rounds without progress after which the agent's watchdog gives up on the ring. */
const STALL_ROUNDS = 1000;

/** Moves `events` async events through a legacy ring at `byteOffset` of guest memory. */
export function legacyUnderScribble(memory: SharedArrayBuffer, byteOffset: number, slots: number, events: number): ScribbleOutcome {
  const region = new BoundsCheckedRing(memory, byteOffset, slots, REQUEST_BYTES);
  region.init();
  const front = new FrontRing(region);
  const back = new BackRing(region);
  const request = newEntry();
  const copy = newEntry();
  const response = newEntry();
  const out: ScribbleOutcome = { produced: 0, delivered: 0, xenDetected: 0, agentDetected: 0, refusedRequests: 0, resets: 0, outOfBounds: 0 };
  let nextTag = 0; // the oldest tag the agent may still accept
  let idle = 0;
  const reset = () => {
    region.init();
    front.resetIndices(0);
    back.resetIndices(0);
    nextTag = out.produced;
    out.resets++;
    idle = 0;
  };
  /** Runs one side's step; a corruption it detects resets the ring and ends this round. */
  const survived = (side: "xenDetected" | "agentDetected", step: () => void): boolean => {
    try {
      step();
      return true;
    } catch (e) {
      if (!(e instanceof RingCorruptionError)) throw e;
      out[side]++;
      reset();
      return false;
    }
  };
  const xenPuts = () => {
    if (front.freeRequests() === 0) return;
    stampRequest(request, out.produced++, false);
    front.writeRequest(request);
    front.pushRequests();
  };
  const agentServes = () => {
    while (back.takeRequest(copy)) {
      const tag = readTag(copy);
      if (tag >= nextTag && tag < out.produced && intact(copy, tag)) {
        out.delivered++;
        nextTag = tag + 1;
      } else out.refusedRequests++;
      answer(copy, response);
      back.writeResponse(response);
    }
    back.pushResponsesAndCheckNotify();
  };
  const xenResumes = () => {
    while (front.takeResponse(copy));
  };
  while (out.produced < events) {
    const before = out.produced + out.delivered;
    if (!survived("xenDetected", xenPuts) || !survived("agentDetected", agentServes) || !survived("xenDetected", xenResumes)) continue;
    idle = out.produced + out.delivered === before ? idle + 1 : 0;
    if (idle >= STALL_ROUNDS) reset();
  }
  out.outOfBounds = region.outOfBounds;
  return out;
}

/** The same events through the redesign: sync slot and async ring alternate, in pages the guest cannot map. */
export function redesignUnderScribble(events: number): ScribbleOutcome {
  const slots = SyncSlotRegion.create(1);
  const xen = new SyncSlotsXen(slots);
  const agent = new SyncSlotsConsumer(slots);
  const ring = AsyncRingRegion.create(1, "drop");
  const producer = new AsyncRingProducer(ring, "drop");
  const consumer = new AsyncRingConsumer(ring, "drop");
  const request = newEntry();
  const copy = newEntry();
  const response = newEntry();
  const out: ScribbleOutcome = { produced: 0, delivered: 0, xenDetected: 0, agentDetected: 0, refusedRequests: 0, resets: 0, outOfBounds: 0 };
  for (let tag = 0; tag < events; tag++) {
    const sync = (tag & 1) === 0;
    stampRequest(request, tag, sync);
    out.produced++;
    if (sync) {
      xen.submit(0, request);
      const seq = agent.takeRequest(0, copy);
      if (intact(copy, tag)) out.delivered++;
      else out.refusedRequests++;
      answer(copy, response);
      agent.respond(0, seq, response);
      xen.takeResponse(0, copy);
    } else {
      producer.write(request);
      if (consumer.read(copy) === REQUEST_BYTES && intact(copy, tag)) out.delivered++;
      else out.refusedRequests++;
    }
  }
  return out;
}
