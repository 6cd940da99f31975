/** Time-weighted state accounting and latency percentiles for the simulator. */
import type { VcpuTime } from "./config.js";

export type VcpuState = keyof VcpuTime;
const STATES: readonly VcpuState[] = ["running", "sync_paused", "blackeye", "waitqueue"];

/** Integrates, over simulated time, how many vCPUs are in each state. */
export class StateClock {
  private readonly count: Record<VcpuState, number> = { running: 0, sync_paused: 0, blackeye: 0, waitqueue: 0 };
  private readonly time: Record<VcpuState, number> = { running: 0, sync_paused: 0, blackeye: 0, waitqueue: 0 };
  private last = 0;
  /** Time during which `flag` was true (e.g. "a waitqueue is non-empty"). */
  private flagTime = 0;
  private flag = false;

  constructor(readonly vcpus: number) {
    this.count.running = vcpus;
  }

  advance(now: number): void {
    const dt = now - this.last;
    if (dt > 0) {
      for (const s of STATES) this.time[s] += this.count[s] * dt;
      if (this.flag) this.flagTime += dt;
      this.last = now;
    }
  }

  move(from: VcpuState, to: VcpuState): void {
    this.count[from]--;
    this.count[to]++;
  }

  setFlag(on: boolean): void {
    this.flag = on;
  }

  fractions(): VcpuTime {
    const total = STATES.reduce((sum, s) => sum + this.time[s], 0) || 1;
    return { running: this.time.running / total, sync_paused: this.time.sync_paused / total, blackeye: this.time.blackeye / total, waitqueue: this.time.waitqueue / total };
  }

  flagFraction(duration: number): number {
    return duration > 0 ? this.flagTime / duration : 0;
  }
}

/** Nearest-rank percentile (p in [0, 100]) of a sample; 0 for an empty one. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export class LatencyRecorder {
  private values: number[] = [];

  add(us: number): void {
    this.values.push(us);
  }

  get count(): number {
    return this.values.length;
  }

  summary(): { p50: number; p99: number } {
    const sorted = Float64Array.from(this.values).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}
