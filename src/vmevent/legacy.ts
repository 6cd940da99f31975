/**
 * The legacy vm_event producer side, as Xen runs it today (docs/notes/vm_event.md §3):
 * reservations (claim/grab/cancel), put_request, the "black eye" pause, the waitqueue,
 * round-robin waking of black-eyed vCPUs, resume (responses), and the livepatch check.
 *
 * It drives a real FrontRing over shared memory; the consumer is whoever owns the BackRing.
 *
 * Per-vCPU state (a vCPU is in exactly one; checked in this order):
 *   waitqueue  — parked in wait_event() inside a claim: the ring had no available slot
 *   sync_paused — vm_event_pause_count > 0: waiting for the response to its sync request
 *   blackeye   — its pause_flag is set: it put an async request while available < max_vcpus
 *   running
 *
 * Re-entrancy: hooks are called from inside model operations; they must only record or
 * schedule work (e.g. the simulator queues a retry), never call back into the model.
 */
import { InvalidArgumentError } from "../errors.js";
import { VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION } from "./abi.js";
import { IllegalTransitionError } from "./errors.js";
import { newEntry, readHeader, readTag, writeHeader, writeTag } from "./request.js";
import type { FrontRing } from "./shared-ring.js";

export type LegacyVcpuState = "running" | "sync_paused" | "blackeye" | "waitqueue";

/** The producer index for a request raised by another domain (dom0 touching a paged-out page). */
export const FOREIGN = -1;

/** Reservation counters are u8 in struct vm_event_domain. */
const PRODUCER_COUNTER_MAX = 0xff;

export interface LegacyHooks {
  /** Xen sent its event-channel notification to the consumer (once per request). */
  notifyConsumer?(): void;
  /** A vCPU moved between the four states above. */
  stateChanged?(vcpu: number, from: LegacyVcpuState, to: LegacyVcpuState): void;
  /** wake_up_nr took this vCPU off the waitqueue: it retries its claim when next scheduled (call retryWaiter). */
  wokenFromWaitqueue?(vcpu: number): void;
  /** Xen handled a valid response; `tag` is the tag of the request it answers, `unpaused` whether it released a sync vCPU. */
  responseHandled?(vcpu: number, tag: number, unpaused: boolean): void;
}

interface ParkedTrap {
  sync: boolean;
  reason: number;
  tag: number;
}

export type TrapOutcome =
  | { kind: "put"; blackEye: boolean }
  | { kind: "waitqueue" };

export interface LegacyCounters {
  requests: number;
  responses: number;
  notifications: number;
  /** Times a vCPU got a black eye (paused after an async put). */
  blackEyePauses: number;
  /** Times a vCPU was added to the waitqueue. */
  waitqueueEntries: number;
  /** Responses skipped because of a wrong version or vcpu_id. */
  skippedResponses: number;
  /** Foreign claims refused with -EBUSY. */
  foreignBusy: number;
}

export class LegacyVmEvent {
  targetProducers = 0;
  foreignProducers = 0;
  /** Number of black-eyed vCPUs (`ved->blocked`). */
  blocked = 0;
  /** Round-robin cursor of vm_event_wake_blocked. */
  lastVcpuWakeUp = 0;
  readonly counters: LegacyCounters = {
    requests: 0, responses: 0, notifications: 0, blackEyePauses: 0, waitqueueEntries: 0, skippedResponses: 0, foreignBusy: 0,
  };

  private readonly pauseCount: Int32Array;
  private readonly blackEyed: Uint8Array;
  private readonly reserved: Uint8Array;
  private readonly onWaitqueue: Uint8Array;
  /** The waitqueue, FIFO (prepare_to_wait adds at the tail, wake_up_nr pops from the head). */
  private readonly waitqueue: number[] = [];
  /** What each parked vCPU was trying to send when it went to sleep inside monitor_traps. */
  private readonly parkedTrap: Array<ParkedTrap | undefined>;
  /** Private copies: requests are built here, responses copied here before they are looked at. */
  private readonly request: Uint8Array;
  private readonly response: Uint8Array;

  constructor(readonly maxVcpus: number, readonly ring: FrontRing, readonly hooks: LegacyHooks = {}) {
    if (!Number.isInteger(maxVcpus) || maxVcpus < 1) throw new InvalidArgumentError("maxVcpus", `max_vcpus must be ≥ 1, got ${maxVcpus}`);
    this.pauseCount = new Int32Array(maxVcpus);
    this.blackEyed = new Uint8Array(maxVcpus);
    this.reserved = new Uint8Array(maxVcpus);
    this.onWaitqueue = new Uint8Array(maxVcpus);
    this.parkedTrap = new Array(maxVcpus);
    this.request = newEntry(ring.region.entryBytes);
    this.response = newEntry(ring.region.entryBytes);
  }

  state(vcpu: number): LegacyVcpuState {
    if (this.onWaitqueue[vcpu]) return "waitqueue";
    if (this.pauseCount[vcpu] > 0) return "sync_paused";
    if (this.blackEyed[vcpu]) return "blackeye";
    return "running";
  }

  waitqueueLength(): number {
    return this.waitqueue.length;
  }

  /** Available slots: free ring slots minus outstanding reservations. Negative is a Xen BUG(). */
  available(): number {
    const avail = this.ring.freeRequests() - this.targetProducers - this.foreignProducers;
    if (avail < 0) throw new Error(`BUG: ${avail} available slots (free ${this.ring.freeRequests()}, reservations ${this.targetProducers}+${this.foreignProducers})`);
    return avail;
  }

  /** vm_event_grab_slot: reserve one slot, or EBUSY when none is available. */
  private grab(foreign: boolean): boolean {
    if (this.available() === 0) return false;
    if (foreign) this.foreignProducers = this.bump(this.foreignProducers, "foreign_producers");
    else this.targetProducers = this.bump(this.targetProducers, "target_producers");
    return true;
  }

  private bump(counter: number, name: string): number {
    if (counter === PRODUCER_COUNTER_MAX) throw new IllegalTransitionError(`${name} would overflow its u8`);
    return counter + 1;
  }

  private checkVcpu(vcpu: number): void {
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.maxVcpus) throw new InvalidArgumentError("vcpu", `${vcpu} is not in 0..${this.maxVcpus - 1}`);
  }

  /** Runs a mutation of one vCPU and reports its state change, if any. */
  private transition(vcpu: number, mutate: () => void): void {
    const from = this.state(vcpu);
    mutate();
    const to = this.state(vcpu);
    if (from !== to) this.hooks.stateChanged?.(vcpu, from, to);
  }

  /**
   * `monitor_traps` for a guest vCPU: claim (sleeping on the waitqueue when no slot is
   * available), pause the vCPU if sync, put the request, notify.
   */
  monitorTraps(vcpu: number, sync: boolean, reason: number, tag = 0): TrapOutcome {
    this.checkVcpu(vcpu);
    if (this.state(vcpu) !== "running") throw new IllegalTransitionError(`vCPU ${vcpu} is ${this.state(vcpu)}: only a running vCPU can trap`);
    if (this.reserved[vcpu]) throw new IllegalTransitionError(`vCPU ${vcpu} already holds a reservation`);
    if (this.parkedTrap[vcpu]) throw new IllegalTransitionError(`vCPU ${vcpu} was woken from the waitqueue and must retry its claim first`);
    if (!this.grab(false)) {
      this.park(vcpu, { sync, reason, tag });
      return { kind: "waitqueue" };
    }
    this.reserved[vcpu] = 1;
    return this.finishTrap(vcpu, { sync, reason, tag });
  }

  /** A vCPU woken from the waitqueue re-runs its claim (wait_event re-tests its condition). */
  retryWaiter(vcpu: number): TrapOutcome {
    this.checkVcpu(vcpu);
    const trap = this.parkedTrap[vcpu];
    if (trap === undefined || this.onWaitqueue[vcpu]) throw new IllegalTransitionError(`vCPU ${vcpu} was not woken from the waitqueue`);
    if (!this.grab(false)) {
      this.parkedTrap[vcpu] = undefined;
      this.park(vcpu, trap);
      return { kind: "waitqueue" };
    }
    this.parkedTrap[vcpu] = undefined;
    this.reserved[vcpu] = 1;
    return this.finishTrap(vcpu, trap);
  }

  private park(vcpu: number, trap: ParkedTrap): void {
    this.transition(vcpu, () => {
      this.onWaitqueue[vcpu] = 1;
      this.parkedTrap[vcpu] = trap;
      this.waitqueue.push(vcpu);
    });
    this.counters.waitqueueEntries++;
  }

  private finishTrap(vcpu: number, trap: ParkedTrap): TrapOutcome {
    // Sync: the vCPU is paused *before* the request is published, so it can never miss its response.
    if (trap.sync) this.transition(vcpu, () => { this.pauseCount[vcpu]++; });
    const blackEye = this.putRequest(vcpu, trap.sync, trap.reason, trap.tag);
    return { kind: "put", blackEye };
  }

  /**
   * A request from outside the target domain (allow_sleep is impossible there): one grab,
   * -EBUSY on failure, and the caller retries or drops. Foreign producers never get a black eye.
   */
  foreignRequest(reason: number, tag = 0): "put" | "EBUSY" {
    if (!this.grab(true)) {
      this.counters.foreignBusy++;
      return "EBUSY";
    }
    this.putRequest(FOREIGN, false, reason, tag);
    return "put";
  }

  /** vm_event_cancel_slot for a guest vCPU's reservation: release it and wake waiters. */
  cancelSlot(vcpu: number): void {
    this.checkVcpu(vcpu);
    if (!this.reserved[vcpu]) throw new IllegalTransitionError(`vCPU ${vcpu} holds no reservation to cancel`);
    this.reserved[vcpu] = 0;
    this.targetProducers--;
    this.wake();
  }

  /** vm_event_put_request: the reservation guarantees a free slot. Returns whether the caller got a black eye. */
  private putRequest(producer: number, sync: boolean, reason: number, tag: number): boolean {
    const foreign = producer === FOREIGN;
    writeHeader(this.request, {
      version: VM_EVENT_INTERFACE_VERSION,
      flags: (sync ? VM_EVENT_FLAG.VCPU_PAUSED : 0) | (foreign ? VM_EVENT_FLAG.FOREIGN : 0),
      reason,
      vcpuId: foreign ? 0 : producer,
    });
    writeTag(this.request, tag);
    this.ring.writeRequest(this.request);
    this.ring.pushRequests();
    this.counters.requests++;
    // The reservation becomes a real entry: release it, then let waiters see the new count.
    if (foreign) this.foreignProducers--;
    else {
      this.targetProducers--;
      this.reserved[producer] = 0;
    }
    this.wake();
    // Black eye: keep one slot per vCPU in reserve. A vCPU already sync-paused is exempt
    // (commit 7f8445d967: otherwise large max_vcpus could lock the guest).
    let blackEye = false;
    if (!foreign && this.available() < this.maxVcpus && this.pauseCount[producer] === 0 && !this.blackEyed[producer]) {
      this.transition(producer, () => {
        this.blackEyed[producer] = 1;
        this.blocked++;
      });
      this.counters.blackEyePauses++;
      blackEye = true;
    }
    // One notification per request; the event channel's pending bit coalesces them downstream.
    this.counters.notifications++;
    this.hooks.notifyConsumer?.();
    return blackEye;
  }

  /** vm_event_wake: waiters first (FIFO, one per available slot), else black-eyed vCPUs round-robin. */
  private wake(): void {
    let avail = this.available();
    if (this.waitqueue.length > 0) {
      for (let n = Math.min(avail, this.waitqueue.length); n > 0; n--) {
        const vcpu = this.waitqueue.shift()!;
        this.transition(vcpu, () => { this.onWaitqueue[vcpu] = 0; });
        this.hooks.wokenFromWaitqueue?.(vcpu);
      }
      return;
    }
    if (avail === 0 || this.blocked === 0) return;
    for (let j = 0; j < this.maxVcpus && avail > 0 && this.blocked > 0; j++) {
      const k = (this.lastVcpuWakeUp + 1 + j) % this.maxVcpus;
      if (!this.blackEyed[k]) continue;
      this.transition(k, () => {
        this.blackEyed[k] = 0;
        this.blocked--;
      });
      avail--;
      this.lastVcpuWakeUp = k;
    }
  }

  /**
   * vm_event_resume: consume every response (copied out first), returning each slot's credit,
   * and unpause sync-paused vCPUs whose response carries VCPU_PAUSED.
   */
  resume(): number {
    let handled = 0;
    while (this.ring.takeResponse(this.response)) {
      this.ring.region.store("rspEvent", this.ring.rspCons + 1);
      this.wake();
      const h = readHeader(this.response);
      if (h.version !== VM_EVENT_INTERFACE_VERSION || h.vcpuId >= this.maxVcpus) {
        this.counters.skippedResponses++;
        continue;
      }
      handled++;
      this.counters.responses++;
      const vcpu = h.vcpuId;
      const unpause = this.pauseCount[vcpu] > 0 && (h.flags & VM_EVENT_FLAG.VCPU_PAUSED) !== 0;
      if (unpause) this.transition(vcpu, () => { this.pauseCount[vcpu]--; });
      this.hooks.responseHandled?.(vcpu, readTag(this.response), unpause);
    }
    return handled;
  }

  /** arch_livepatch_safety_check: a parked vCPU's saved stack holds return addresses into Xen. */
  livepatchSafetyCheck(): "ok" | "EBUSY" {
    return this.waitqueue.length > 0 ? "EBUSY" : "ok";
  }

  /** vm_event_disable refuses while any vCPU is parked on the waitqueue. */
  canDisable(): "ok" | "EBUSY" {
    return this.livepatchSafetyCheck();
  }
}
