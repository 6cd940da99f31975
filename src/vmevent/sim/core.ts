/**
 * What both designs' simulations share: the clock and future-event list, the seeded random
 * streams, Poisson trap arrivals per running vCPU, consumer service times, and the tally.
 *
 * Model of time: every vCPU has its own pCPU (no scheduling delay); a vCPU raises events only
 * while running; one consumer thread serves one event at a time; notifications and Xen's own
 * work take no time. So every difference between the designs comes from the ring rules.
 */
import { REQUEST_BYTES, VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION, VM_EVENT_REASON } from "../abi.js";
import { newEntry, writeHeader, writeTag } from "../request.js";
import type { SimConfig, SimRun } from "./config.js";
import { EventQueue } from "./event-queue.js";
import { SeededRandom } from "../../prng.js";
import { LatencyRecorder, StateClock, type VcpuState } from "./stats.js";

export interface Trap {
  vcpu: number;
  sync: boolean;
  /** Simulated time of the trap, µs. */
  t0: number;
  /** The agent finished it (complete() ran). */
  done?: boolean;
}

/**
 * The consumer thread's wake-up, the same in both designs: a notification while it sleeps
 * queues one wake-up at the current time (later ones merge into it, as an event channel's
 * pending bit does); a busy consumer finds new work itself when it finishes (its final check).
 */
export class ConsumerWake {
  /** The consumer is serving an event. */
  busy = false;
  private queued = false;

  constructor(private readonly queueWake: () => void) {}

  notify(): void {
    if (this.busy || this.queued) return;
    this.queued = true;
    this.queueWake();
  }

  /** The queued wake-up arrived: start serving, unless the consumer already is. */
  woken(startNext: () => void): void {
    this.queued = false;
    if (!this.busy) startNext();
  }
}

export class SimCore<E> {
  now = 0;
  readonly endUs: number;
  readonly queue = new EventQueue<E>();
  readonly clock: StateClock;
  /** Every finished event, and each class alone (a lost async event never gets here). */
  readonly latency = new LatencyRecorder();
  readonly syncLatency = new LatencyRecorder();
  readonly asyncLatency = new LatencyRecorder();
  /** Every trap raised, indexed by the tag its request carries through the ring. */
  readonly traps: Trap[] = [];
  /** Tag of each vCPU's most recent trap (what a vCPU woken from the waitqueue is retrying). */
  readonly lastTag: Int32Array;
  syncEvents = 0;
  asyncEvents = 0;
  handled = 0;
  syncHandled = 0;
  asyncDelivered = 0;
  /** Arrivals and service draw from separate streams, so changing one rate leaves the other's draws alone. */
  private readonly arrivals: SeededRandom;
  private readonly kinds: SeededRandom;
  private readonly service: SeededRandom;
  /** Bumped whenever a vCPU's pending trap must be forgotten (it stopped running). */
  private readonly generation: Uint32Array;
  private readonly ratePerUs: number;
  private readonly syncShare: number;

  constructor(readonly config: SimConfig, private readonly trapEvent: (vcpu: number, generation: number) => E) {
    this.endUs = config.durationMs * 1000;
    this.clock = new StateClock(config.vcpus);
    this.arrivals = new SeededRandom(config.seed);
    this.kinds = new SeededRandom(config.seed ^ 0x5bd1e995);
    this.service = new SeededRandom(config.seed ^ 0x27d4eb2f);
    this.generation = new Uint32Array(config.vcpus);
    this.lastTag = new Int32Array(config.vcpus).fill(-1);
    const total = config.syncRateHz + config.asyncRateHz;
    this.ratePerUs = total / 1e6;
    this.syncShare = total > 0 ? config.syncRateHz / total : 0;
  }

  /** Forget any pending trap of `vcpu` and, if it raises events at all, draw its next one. */
  scheduleTrap(vcpu: number): void {
    const g = ++this.generation[vcpu];
    if (this.ratePerUs > 0) this.queue.push(this.now + this.arrivals.exponential(1 / this.ratePerUs), this.trapEvent(vcpu, g));
  }

  /** The vCPU stopped running: its scheduled trap is void. */
  cancelTrap(vcpu: number): void {
    this.generation[vcpu]++;
  }

  isCurrent(vcpu: number, generation: number): boolean {
    return this.generation[vcpu] === generation;
  }

  /** Records a new trap and fills `entry` with its request (tag = its index in `traps`). */
  raise(vcpu: number, entry: Uint8Array): Trap & { tag: number } {
    const sync = this.kinds.next() < this.syncShare;
    const tag = this.traps.length;
    const trap = { vcpu, sync, t0: this.now };
    this.traps.push(trap);
    this.lastTag[vcpu] = tag;
    if (sync) this.syncEvents++;
    else this.asyncEvents++;
    writeHeader(entry, {
      version: VM_EVENT_INTERFACE_VERSION,
      flags: sync ? VM_EVENT_FLAG.VCPU_PAUSED : 0,
      reason: sync ? VM_EVENT_REASON.SOFTWARE_BREAKPOINT : VM_EVENT_REASON.MEM_ACCESS,
      vcpuId: vcpu,
    });
    writeTag(entry, tag);
    return { ...trap, tag };
  }

  serviceTime(): number {
    const mean = this.config.serviceUs;
    return this.config.serviceDist === "fixed" ? mean : this.service.exponential(mean);
  }

  /** The event with this tag is done: count it and record its latency. */
  complete(tag: number): void {
    this.handled++;
    const trap = this.traps[tag];
    trap.done = true;
    if (trap.sync) this.syncHandled++;
    const us = this.now - trap.t0;
    this.latency.add(us);
    (trap.sync ? this.syncLatency : this.asyncLatency).add(us);
    if (!trap.sync) this.asyncDelivered++;
  }

  move(from: VcpuState, to: VcpuState): void {
    this.clock.move(from, to);
  }

  /** Runs events in time order until the configured duration; `handle` processes one. */
  run(handle: (event: E) => void, afterEach: () => void = () => {}): void {
    for (let v = 0; v < this.config.vcpus; v++) this.scheduleTrap(v);
    for (;;) {
      const next = this.queue.pop();
      if (!next || next.time > this.endUs) break;
      this.clock.advance(next.time);
      this.now = next.time;
      handle(next.item);
      afterEach();
    }
    this.clock.advance(this.endUs);
    this.now = this.endUs;
  }

  /**
   * Async events still waiting when the run ends (in the ring, in service, or not yet put)
   * enter the async latency sample with their age at the end, a lower bound. Without them,
   * a starved ring would report only the few events delivered before it filled.
   */
  censorWaiting(tags: Iterable<number>): void {
    for (const tag of tags) {
      const trap = this.traps[tag];
      if (!trap.sync && !trap.done) this.asyncLatency.add(this.endUs - trap.t0);
    }
  }

  /** Tags of async events not finished (legacy: none is ever lost, so all of these are waiting). */
  *unfinishedAsync(): Iterable<number> {
    for (let tag = 0; tag < this.traps.length; tag++) if (!this.traps[tag].sync && !this.traps[tag].done) yield tag;
  }

  /**
   * The issue-12 fields of a run. Delivered latency is taken over async events only and from
   * their trap, so dropping events cannot make it look better: a mixed p99 falls as async
   * events vanish from the sample (10 976 µs at 16 vCPUs, 1 366 µs at 24 before this split).
   */
  deliveryReport(agentPolicy: SimRun["agent_policy"], lost: number): Pick<SimRun,
    "agent_policy" | "async_produced" | "async_loss_fraction" | "delivered_per_s" | "delivered_latency_p99_us" | "async_delivered" | "sync_latency_p99_us"> {
    return {
      agent_policy: agentPolicy,
      async_produced: this.asyncEvents,
      async_loss_fraction: this.asyncEvents > 0 ? lost / this.asyncEvents : 0,
      delivered_per_s: this.handled / (this.config.durationMs / 1000),
      delivered_latency_p99_us: this.asyncLatency.summary().p99,
      async_delivered: this.asyncDelivered,
      sync_latency_p99_us: this.syncLatency.summary().p99,
    };
  }

  newEntry(): Uint8Array {
    return newEntry(REQUEST_BYTES);
  }
}
