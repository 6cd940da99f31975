/**
 * The redesign's sync path (docs/notes/vm_event.md §5.3, §5.7): one slot per vCPU, 408 bytes
 * at ABI v7, packed contiguously (slots may straddle pages), one event channel per vCPU.
 *
 *   slot i at i × 408
 *   ┌──────────┬──────────────────────────────────────┬──────────────────────────────┐
 *   │ port u32 │ state word u32                       │ request / response (union)   │
 *   │ 0        │ 4: bits 0–3 state, bits 4–31 sequence│ 8                    400 B   │
 *   └──────────┴──────────────────────────────────────┴──────────────────────────────┘
 *
 * State machine (who may write each arrow):
 *   IDLE ──Xen: submit──▶ SUBMIT ──consumer: respond──▶ FINISH ──Xen: take response──▶ IDLE
 *
 * The sequence number lives in the 28 bits Petre Pircalabu's layout left as padding, so the
 * state and its sequence change together in one atomic word: a response is accepted only
 * for the sequence Xen privately remembers, so a stale or replayed FINISH is rejected.
 *
 * Capacity can never be exceeded: a vCPU is paused while its slot is busy. So there is no
 * reservation, no waitqueue and no black eye, and no vCPU waits behind another's event.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { REQUEST_BYTES } from "./abi.js";
import { IllegalTransitionError, RingCorruptionError } from "./errors.js";

export const SLOT_FIELD = { port: 0, state: 4, payload: 8 } as const;
export const SYNC_SLOT_BYTES = SLOT_FIELD.payload + REQUEST_BYTES;

export const SlotState = { IDLE: 0, SUBMIT: 1, FINISH: 2 } as const;
export type SlotState = (typeof SlotState)[keyof typeof SlotState];
const STATE_NAMES = ["IDLE", "SUBMIT", "FINISH"] as const;
const STATE_BITS = 4;
const STATE_MASK = (1 << STATE_BITS) - 1;
/** Sequence numbers are 28 bits and skip 0, so a fresh (all-zero) slot never matches one. */
export const SEQ_MODULUS = 2 ** (32 - STATE_BITS);

export type SlotActor = "xen" | "consumer";

/** The only legal arrows, and who may draw them. */
export const SLOT_TRANSITIONS: ReadonlyArray<{ from: SlotState; to: SlotState; actor: SlotActor }> = [
  { from: SlotState.IDLE, to: SlotState.SUBMIT, actor: "xen" },
  { from: SlotState.SUBMIT, to: SlotState.FINISH, actor: "consumer" },
  { from: SlotState.FINISH, to: SlotState.IDLE, actor: "xen" },
];

export function stateName(s: number): string {
  return STATE_NAMES[s] ?? `invalid(${s})`;
}

/** Throws unless `actor` may move a slot from `from` to `to`. */
export function checkTransition(from: number, to: number, actor: SlotActor): void {
  if (!SLOT_TRANSITIONS.some((t) => t.from === from && t.to === to && t.actor === actor))
    throw new IllegalTransitionError(`${actor} may not move a sync slot ${stateName(from)} → ${stateName(to)}`);
}

export const packState = (seq: number, state: SlotState) => ((seq << STATE_BITS) | state) >>> 0;
export const unpackState = (word: number) => ({ state: word & STATE_MASK, seq: (word >>> 0) >>> STATE_BITS });

/** Pages the slots of `vcpus` vCPUs need (PFN_UP(vcpus × 408)): 1 for ≤ 10, 2 for 11–20, 7 for 64. */
export function syncSlotPages(vcpus: number, pageSize = 4096): number {
  intIn("pageSize", pageSize, 1, 1 << 30);
  return Math.ceil(SyncSlotRegion.bytesFor(vcpus) / pageSize);
}

/** More vCPUs than any domain has (Xen's HVM limit is 128 on most builds). */
const MAX_SLOT_VCPUS = 1 << 16;

export class SyncSlotRegion {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer, readonly byteOffset: number, readonly vcpus: number) {
    if (!Number.isInteger(vcpus) || vcpus < 1) throw new InvalidArgumentError("vcpus", `need ≥ 1 vCPU, got ${vcpus}`);
    if (byteOffset % 4 !== 0) throw new InvalidArgumentError("byteOffset", `slot region offset ${byteOffset} is not 4-byte aligned`);
    this.words = new Int32Array(buffer, byteOffset, (vcpus * SYNC_SLOT_BYTES) / 4);
    this.bytes = new Uint8Array(buffer, byteOffset, vcpus * SYNC_SLOT_BYTES);
  }

  static bytesFor(vcpus: number): number {
    intIn("vcpus", vcpus, 1, MAX_SLOT_VCPUS);
    return vcpus * SYNC_SLOT_BYTES;
  }

  static create(vcpus: number): SyncSlotRegion {
    return new SyncSlotRegion(new SharedArrayBuffer(SyncSlotRegion.bytesFor(vcpus)), 0, vcpus);
  }

  checkVcpu(vcpu: number): void {
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.vcpus) throw new InvalidArgumentError("vcpu", `${vcpu} is not in 0..${this.vcpus - 1}`);
  }

  stateIndex(vcpu: number): number {
    return (vcpu * SYNC_SLOT_BYTES + SLOT_FIELD.state) / 4;
  }

  loadState(vcpu: number): number {
    return Atomics.load(this.words, this.stateIndex(vcpu)) >>> 0;
  }

  payload(vcpu: number): Uint8Array {
    const at = vcpu * SYNC_SLOT_BYTES + SLOT_FIELD.payload;
    return this.bytes.subarray(at, at + REQUEST_BYTES);
  }

  setPort(vcpu: number, port: number): void {
    Atomics.store(this.words, (vcpu * SYNC_SLOT_BYTES + SLOT_FIELD.port) / 4, port);
  }
}

/** A state word read from shared memory, with a state outside the machine reported. */
function decode(region: SyncSlotRegion, vcpu: number): { state: SlotState; seq: number; word: number } {
  const word = region.loadState(vcpu);
  const { state, seq } = unpackState(word);
  if (state > SlotState.FINISH) throw new RingCorruptionError(`slot[${vcpu}].state`, `holds ${state}, not a slot state (word 0x${word.toString(16)})`);
  return { state: state as SlotState, seq, word };
}

export interface SyncXenCounters {
  submitted: number;
  completed: number;
  /** FINISH words whose sequence was not the one Xen is waiting for. */
  staleRejected: number;
}

/** Xen's side: submit a request for a (paused) vCPU, take its response. */
export class SyncSlotsXen {
  /** Sequence of the outstanding request per vCPU; 0 = none. Private: never read back from shared memory. */
  private readonly outstanding: Uint32Array;
  private readonly nextSeq: Uint32Array;
  readonly counters: SyncXenCounters = { submitted: 0, completed: 0, staleRejected: 0 };

  constructor(readonly region: SyncSlotRegion) {
    this.outstanding = new Uint32Array(region.vcpus);
    this.nextSeq = new Uint32Array(region.vcpus).fill(1);
  }

  hasOutstanding(vcpu: number): boolean {
    return this.outstanding[vcpu] !== 0;
  }

  /** IDLE → SUBMIT. The request is copied before the state word is stored (publish). Returns the sequence. */
  submit(vcpu: number, request: Uint8Array): number {
    this.region.checkVcpu(vcpu);
    if (this.outstanding[vcpu] !== 0) throw new IllegalTransitionError(`vCPU ${vcpu} already has sync request ${this.outstanding[vcpu]} outstanding (it should be paused)`);
    const { state } = decode(this.region, vcpu);
    if (state !== SlotState.IDLE) throw new RingCorruptionError(`slot[${vcpu}].state`, `is ${stateName(state)} although Xen has nothing outstanding`);
    checkTransition(state, SlotState.SUBMIT, "xen");
    const seq = this.nextSeq[vcpu];
    this.nextSeq[vcpu] = seq + 1 === SEQ_MODULUS ? 1 : seq + 1;
    this.region.payload(vcpu).set(request.subarray(0, REQUEST_BYTES));
    Atomics.store(this.region.words, this.region.stateIndex(vcpu), packState(seq, SlotState.SUBMIT));
    this.outstanding[vcpu] = seq;
    this.counters.submitted++;
    return seq;
  }

  /**
   * FINISH → IDLE: copies the response out (then uses only the copy). "pending" while the
   * consumer has not answered; "stale" if the FINISH carries another sequence (rejected, left as is).
   */
  takeResponse(vcpu: number, out: Uint8Array): "ok" | "pending" | "stale" | "none" {
    this.region.checkVcpu(vcpu);
    const expected = this.outstanding[vcpu];
    if (expected === 0) return "none";
    const { state, seq } = decode(this.region, vcpu);
    if (state === SlotState.SUBMIT) {
      if (seq !== expected) throw new RingCorruptionError(`slot[${vcpu}].state`, `SUBMIT with sequence ${seq}, Xen submitted ${expected}`);
      return "pending";
    }
    if (state === SlotState.IDLE) throw new RingCorruptionError(`slot[${vcpu}].state`, `reset to IDLE by the consumer while request ${expected} is outstanding`);
    if (seq !== expected) {
      this.counters.staleRejected++;
      return "stale";
    }
    checkTransition(state, SlotState.IDLE, "xen");
    out.set(this.region.payload(vcpu).subarray(0, out.length));
    Atomics.store(this.region.words, this.region.stateIndex(vcpu), packState(seq, SlotState.IDLE));
    this.outstanding[vcpu] = 0;
    this.counters.completed++;
    return "ok";
  }
}

/** The introspection agent's side: see a submitted request, answer it. */
export class SyncSlotsConsumer {
  constructor(readonly region: SyncSlotRegion) {}

  /** The sequence of a request waiting for an answer, or 0. */
  pending(vcpu: number): number {
    this.region.checkVcpu(vcpu);
    const { state, seq } = decode(this.region, vcpu);
    return state === SlotState.SUBMIT ? seq : 0;
  }

  /** Copies the submitted request out; returns its sequence (0 if none is submitted). */
  takeRequest(vcpu: number, out: Uint8Array): number {
    const seq = this.pending(vcpu);
    if (seq === 0) return 0;
    out.set(this.region.payload(vcpu).subarray(0, out.length));
    return seq;
  }

  /**
   * SUBMIT → FINISH for exactly the sequence read: the response is written, then the state
   * word is swapped with compareExchange, so answering twice or answering an older request fails.
   */
  respond(vcpu: number, seq: number, response: Uint8Array): void {
    this.region.checkVcpu(vcpu);
    const { state, seq: current, word } = decode(this.region, vcpu);
    checkTransition(state, SlotState.FINISH, "consumer");
    if (current !== seq) throw new IllegalTransitionError(`vCPU ${vcpu}: answering sequence ${seq} but the slot holds ${current}`);
    this.region.payload(vcpu).set(response.subarray(0, REQUEST_BYTES));
    const swapped = Atomics.compareExchange(this.region.words, this.region.stateIndex(vcpu), word | 0, packState(seq, SlotState.FINISH) | 0);
    if (swapped >>> 0 !== word) throw new IllegalTransitionError(`vCPU ${vcpu}: slot changed while answering sequence ${seq}`);
  }
}
