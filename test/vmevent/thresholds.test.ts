import { describe, expect, it } from "vitest";
import { REQUEST_BYTES } from "../../src/vmevent/abi.js";
import { SIM_DEFAULTS } from "../../src/vmevent/sim/config.js";
import { simulate } from "../../src/vmevent/sim/simulate.js";
import { blackEyeThreshold, thresholds, waitqueueThreshold } from "../../src/vmevent/thresholds.js";

// docs/notes/vm_event.md §3.7: with the power-of-two ring (8 slots) every async event pauses its
// vCPU from 8 vCPUs and the waitqueue is first used at 9; without rounding (10 slots): 10 and 11.
describe("legacy thresholds, driven through the model", () => {
  it("gives 8 / 9 vCPUs for Xen's 8-slot ring and 10 / 11 without the power-of-two rounding", () => {
    expect(thresholds(1, REQUEST_BYTES)).toEqual([
      { rounding: "pow2", pages: 1, entryBytes: 400, rawSlots: 10, slots: 8, blackEyeFromVcpus: 8, waitqueueFromVcpus: 9 },
      { rounding: "none", pages: 1, entryBytes: 400, rawSlots: 10, slots: 10, blackEyeFromVcpus: 10, waitqueueFromVcpus: 11 },
    ]);
  });

  it("follows the slot count: black eye from `slots` vCPUs, waitqueue from `slots + 1`", () => {
    for (const slots of [1, 2, 8, 16, 64]) {
      expect(blackEyeThreshold(slots)).toBe(slots);
      expect(waitqueueThreshold(slots)).toBe(slots + 1);
    }
  });

  it("gave 64 vCPUs of headroom with the 2014 mem_event ring of 40-byte requests", () => {
    expect(thresholds(1, 40)[0]).toMatchObject({ slots: 64, blackEyeFromVcpus: 64, waitqueueFromVcpus: 65 });
  });
});

const base = { ...SIM_DEFAULTS, durationMs: 300 };

describe("legacy thresholds in the simulator", () => {
  it("never uses the waitqueue under sync-only load up to 8 vCPUs, and does at 9", () => {
    // A heavy sync load (5000/s per vCPU, 50 µs per event): the consumer is the bottleneck.
    const run = (vcpus: number, seed: number) => simulate({ ...base, design: "legacy", vcpus, asyncRateHz: 0, syncRateHz: 5000, seed });
    for (const seed of [1, 2, 3]) {
      for (const vcpus of [1, 4, 8]) expect(run(vcpus, seed).waitqueue_entries).toBe(0);
      expect(run(9, seed).waitqueue_entries).toBeGreaterThan(0);
      expect(run(9, seed).livepatch_blocked_fraction).toBeGreaterThan(0);
    }
  });

  it("pauses the vCPU on every async event from 8 vCPUs on (black eye), but not on every one at 7", () => {
    for (const vcpus of [8, 9, 16, 64]) {
      const r = simulate({ ...base, design: "legacy", vcpus });
      expect(r.blackeye_per_async).toBe(1);
    }
    expect(simulate({ ...base, design: "legacy", vcpus: 7 }).blackeye_per_async).toBeLessThan(1);
  });
});

describe("the redesign never blocks a vCPU on ring space", () => {
  for (const policy of ["drop", "overwrite"] as const)
    it(`(${policy}) has no waitqueue, no black eye, no refused livepatch, and counts every loss`, () => {
      for (const vcpus of [1, 8, 9, 11, 64, 128]) {
        const r = simulate({ ...base, design: "new", vcpus, policy });
        expect(r.waitqueue_entries).toBe(0);
        expect(r.blackeye_pauses).toBe(0);
        expect(r.livepatch_blocked_fraction).toBe(0);
        expect(r.vcpu_time.blackeye + r.vcpu_time.waitqueue).toBe(0);
        expect(r.lost).toBe(r.dropped + r.overwritten);
        // Only async events are lost, each one accounted for.
        expect(r.async_events).toBe(r.async_consumed + r.dropped + r.overwritten + r.async_in_ring);
        // Sync events are never lost: all handled except at most one outstanding per vCPU.
        expect(r.sync_events - r.sync_handled).toBeGreaterThanOrEqual(0);
        expect(r.sync_events - r.sync_handled).toBeLessThanOrEqual(vcpus);
      }
    });

  it("loses async events under the default overload from 8 vCPUs with one page", () => {
    expect(simulate({ ...base, design: "new", vcpus: 64 }).lost).toBeGreaterThan(0);
  });
});
