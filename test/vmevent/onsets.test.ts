import { describe, expect, it } from "vitest";
import { lossLimits } from "../../src/vmevent/loss-limits.js";
import { onsetReport, onsets, staticOnsets } from "../../src/vmevent/onsets.js";
import { SIM_DEFAULTS, type SimRun } from "../../src/vmevent/sim/config.js";
import { SCENARIOS } from "../../src/vmevent/sim/scenarios.js";
import { sweep } from "../../src/vmevent/sim/simulate.js";

const DEFAULT_LIST = [1, 2, 4, 7, 8, 9, 11, 16, 32, 64];

describe("onsets printed next to the sim tables (issue 12 §1)", () => {
  it("default load: the legacy ring black-eyes from 4 vCPUs and uses the waitqueue from 7, not 9", () => {
    const runs = sweep(["legacy", "new"], DEFAULT_LIST, SIM_DEFAULTS);
    expect(onsets(runs)).toEqual({
      legacy: { black_eye: 4, waitqueue: 7, livepatch_refused: 7 },
      new: { black_eye: null, waitqueue: null, livepatch_refused: null },
    });
    const at = (v: number) => runs.find((r) => r.design === "legacy" && r.vcpus === v)!;
    expect([at(7).waitqueue_entries, at(8).waitqueue_entries]).toEqual([4, 12]);
    const text = onsetReport(runs, 1, DEFAULT_LIST);
    expect(text).toContain("legacy  black eye 4 vCPUs;  waitqueue 7 vCPUs;  livepatch refused 7 vCPUs");
    expect(text).toContain("every async event black-eyes from 8 vCPUs");
    expect(text).toContain("waitqueue: 7 vCPUs here, 9 vCPUs static");
    expect(text).toContain("(at 7 vCPUs one vCPU held 2 slots when another was parked)");
    expect(at(7).max_slots_one_vcpu_at_waitqueue).toBe(2);
  });

  it("sync-only: the waitqueue starts exactly where `ring slots` says, and no black eye", () => {
    const runs = sweep(["legacy"], [7, 8, 9, 10], { ...SIM_DEFAULTS, ...SCENARIOS["sync-only"].settings, durationMs: 300 });
    expect(onsets(runs).legacy).toEqual({ black_eye: null, waitqueue: 9, livepatch_refused: 9 });
    // Sync only: a vCPU holds at most one slot (it is paused until its answer).
    expect(Math.max(...runs.map((r) => r.max_slots_one_vcpu_at_waitqueue))).toBe(1);
    expect(staticOnsets(1)).toEqual({ slots: 8, black_eye: 8, waitqueue: 9, livepatch_refused: 9 });
    expect(onsetReport(runs, 1, [7, 8, 9, 10])).toContain("waitqueue: 9 vCPUs, as the static answer says");
  });

  it("an onset is the smallest count at which the effect was seen, whatever the run order", () => {
    const fake = (vcpus: number, blackeye: number, wq: number): SimRun => ({ design: "legacy", vcpus, blackeye_pauses: blackeye, waitqueue_entries: wq, livepatch_blocked_fraction: wq > 0 ? 0.5 : 0 }) as SimRun;
    expect(onsets([fake(16, 1, 1), fake(3, 2, 0), fake(8, 0, 1), fake(1, 0, 0)]).legacy).toEqual({ black_eye: 3, waitqueue: 8, livepatch_refused: 8 });
  });
});

describe("loss fraction, delivered throughput and latency (issue 12 §2)", () => {
  const runs = sweep(["new"], [8, 16, 24, 32], { ...SIM_DEFAULTS, durationMs: 400 });

  it("async_loss_fraction = (dropped + overwritten) / produced, delivered_per_s = handled / s", () => {
    for (const r of runs) {
      expect(r.async_produced).toBe(r.async_events);
      expect(r.async_loss_fraction).toBeCloseTo((r.dropped + r.overwritten) / r.async_produced, 12);
      expect(r.delivered_per_s).toBeCloseTo(r.handled / 0.4, 9);
      expect(r.async_delivered).toBe(r.handled - r.sync_handled);
    }
  });

  it("delivered async latency never falls as losses rise (starved events still waiting count with their age)", () => {
    const p99 = runs.map((r) => r.delivered_latency_p99_us);
    for (let i = 1; i < p99.length; i++) expect(p99[i]).toBeGreaterThanOrEqual(p99[i - 1]);
    expect(runs.map((r) => r.async_loss_fraction)).toEqual([...runs.map((r) => r.async_loss_fraction)].sort((a, b) => a - b));
    expect(runs.at(-1)!.async_loss_fraction).toBeGreaterThan(0.9);
  });

  it("overwrite: the same fields and the same accounting", () => {
    const [r] = sweep(["new"], [32], { ...SIM_DEFAULTS, policy: "overwrite", durationMs: 300 });
    expect(r.dropped).toBe(0);
    expect(r.async_produced).toBe(r.async_consumed + r.overwritten + r.async_in_ring);
    expect(r.async_loss_fraction).toBeCloseTo(r.overwritten / r.async_produced, 12);
  });

  it("loss limits: largest count with every run under 1 %; the legacy ring never loses", () => {
    const all = sweep(["legacy", "new"], [4, 8, 9, 16], { ...SIM_DEFAULTS, durationMs: 1000 });
    expect(lossLimits(all)).toEqual([
      { design: "legacy", policy: "block", agent_policy: "fifo", slots: 8, under_target_up_to: 16, first_over_target: null },
      { design: "new", policy: "drop", agent_policy: "sync-first", slots: 8, under_target_up_to: 8, first_over_target: 9 },
    ]);
  });
});
