/**
 * What a simulation run takes and what it reports. Field names of SimRun are the JSON
 * contract of `xenmm ring sim --json` (issue 4 §5): add fields, never rename.
 */
import type { LossPolicy } from "../async-ring.js";
import type { AgentPolicy } from "./agent-policy.js";

export type Design = "legacy" | "new";
export const DESIGNS: readonly Design[] = ["legacy", "new"];
export type ServiceDistribution = "exp" | "fixed";
export type NotifyPolicy = "event" | "batch";

export interface SimConfig {
  design: Design;
  vcpus: number;
  /** Legacy: pages of the ring (Petre Pircalabu's multi-page ring; 1 = today). New: pages of the async ring. */
  pages: number;
  /** New design only: what the async ring does when full. */
  policy: LossPolicy;
  /** Sync events per second of *running* time, per vCPU (breakpoints, CR/MSR writes…). */
  syncRateHz: number;
  /** Async events per second of running time, per vCPU (n2rwx mem_access…). */
  asyncRateHz: number;
  /** Mean consumer service time per event, µs. */
  serviceUs: number;
  serviceDist: ServiceDistribution;
  /** Legacy: push responses and notify Xen after each event, or once the ring is drained. New: async notifications per event or by cons_event. */
  notify: NotifyPolicy;
  /** New design only: which of sync slot and async ring the agent serves first (agent-policy.ts). */
  agentPolicy: AgentPolicy;
  durationMs: number;
  seed: number;
}

/**
 * Defaults: a sync-heavy introspection load one consumer cannot keep up with. Each running
 * vCPU raises 2000 sync + 500 async events/s; the consumer needs 50 µs per event (20 000/s),
 * so from ~8 vCPUs the offered load exceeds what it can serve.
 */
export const SIM_DEFAULTS: Omit<SimConfig, "design" | "vcpus"> = {
  pages: 1,
  policy: "drop",
  syncRateHz: 2000,
  asyncRateHz: 500,
  serviceUs: 50,
  serviceDist: "exp",
  notify: "event",
  agentPolicy: "sync-first",
  durationMs: 1000,
  seed: 1,
};

export const DEFAULT_VCPU_LIST = [1, 2, 4, 7, 8, 9, 11, 16, 32, 64];

/** Fractions of all vCPU time (they sum to 1). */
export interface VcpuTime {
  running: number;
  sync_paused: number;
  blackeye: number;
  waitqueue: number;
}

export interface SimRun {
  design: Design;
  vcpus: number;
  pages: number;
  /** "drop" | "overwrite" for the new design; "block" for legacy, which pauses vCPUs instead of losing. */
  policy: LossPolicy | "block";
  /** Events raised by vCPUs. */
  events: number;
  /** Events the consumer handled per second. */
  throughput: number;
  /** From the trap to Xen taking the response (sync, and legacy async) or to the consumer finishing (new async). */
  latency_p50_us: number;
  latency_p99_us: number;
  /** Times a vCPU was parked on the waitqueue. */
  waitqueue_entries: number;
  /** Legacy: the most ring slots one vCPU's requests held when some vCPU went onto the waitqueue (0: never). */
  max_slots_one_vcpu_at_waitqueue: number;
  /** Times a vCPU was paused by the black-eye rule. */
  blackeye_pauses: number;
  /** Fraction of time a livepatch would have been refused with -EBUSY (some waitqueue non-empty). */
  livepatch_blocked_fraction: number;
  /** Async events lost (dropped or overwritten); always 0 for legacy. */
  lost: number;
  // ---- extra fields ----
  slots: number;
  sync_events: number;
  async_events: number;
  handled: number;
  /** Sync events whose response Xen has taken (the vCPU runs again). */
  sync_handled: number;
  /** Black-eye pauses per async event put into the ring (1 = every async event pauses its vCPU). */
  blackeye_per_async: number;
  vcpu_time: VcpuTime;
  dropped: number;
  overwritten: number;
  /** Async events still in the ring at the end (produced = consumed + lost + in_ring). */
  async_in_ring: number;
  async_consumed: number;
  notifications: number;
  seed: number;
  duration_ms: number;
  sync_rate_hz: number;
  async_rate_hz: number;
  service_us: number;
  // ---- issue 12: what the lossy design gives up ----
  /** "fifo" for legacy (one ring, served in order); the agent's policy for the new design. */
  agent_policy: AgentPolicy | "fifo";
  /** Async events raised (= async_events). */
  async_produced: number;
  /** (dropped + overwritten) / async_produced; 0 when nothing async was produced. */
  async_loss_fraction: number;
  /** Events (sync and async) the agent finished, per second. */
  delivered_per_s: number;
  /**
   * p99 of async events from production (the trap) to the agent finishing them; events still
   * waiting at the end count with their age then (a lower bound); lost events are left out
   * and counted in async_loss_fraction instead. 0 if there are none.
   */
  delivered_latency_p99_us: number;
  /** Delivered async events the p99 is taken over. */
  async_delivered: number;
  /** p99 of sync events, trap to Xen taking the response. */
  sync_latency_p99_us: number;
}
