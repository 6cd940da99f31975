import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIM_DEFAULTS, type SimConfig } from "../../src/vmevent/sim/config.js";
import { EventQueue } from "../../src/vmevent/sim/event-queue.js";
import { SeededRandom } from "../../src/prng.js";
import { simulate, sweep } from "../../src/vmevent/sim/simulate.js";
import { percentile } from "../../src/vmevent/sim/stats.js";

const quick: Omit<SimConfig, "design" | "vcpus"> = { ...SIM_DEFAULTS, durationMs: 100 };

describe("simulator building blocks", () => {
  it("PRNG is a pure function of the seed", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
    for (let i = 0; i < 1000; i++) {
      const u = a.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it("event queue pops in time order, ties in insertion order", () => {
    const q = new EventQueue<string>();
    q.push(5, "c"); q.push(1, "a"); q.push(5, "d"); q.push(3, "b"); q.push(1, "a2");
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
    expect(out).toEqual(["a", "a2", "b", "c", "d"]);
  });

  it("nearest-rank percentiles", () => {
    const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile([], 50)).toBe(0);
  });
});

describe("simulation runs", () => {
  it("are deterministic for a seed and differ across seeds", () => {
    for (const design of ["legacy", "new"] as const) {
      const a = simulate({ ...quick, design, vcpus: 9, seed: 7 });
      const b = simulate({ ...quick, design, vcpus: 9, seed: 7 });
      const c = simulate({ ...quick, design, vcpus: 9, seed: 8 });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    }
  });

  it("report the JSON fields of the issue", () => {
    const [r] = sweep(["legacy"], [8], quick);
    for (const field of ["design", "vcpus", "pages", "policy", "events", "throughput", "latency_p50_us", "latency_p99_us", "waitqueue_entries", "blackeye_pauses", "livepatch_blocked_fraction", "lost"])
      expect(r).toHaveProperty(field);
  });

  it("keep vCPU time fractions summing to 1 and never handle more than was raised", () => {
    fc.assert(fc.property(
      fc.constantFrom("legacy" as const, "new" as const),
      fc.integer({ min: 1, max: 24 }),
      fc.constantFrom(1, 2, 4),
      fc.constantFrom("drop" as const, "overwrite" as const),
      fc.integer({ min: 0, max: 8000 }),
      fc.integer({ min: 0, max: 8000 }),
      fc.integer({ min: 1, max: 200 }),
      fc.constantFrom("event" as const, "batch" as const),
      fc.integer({ min: 0, max: 1000 }),
      (design, vcpus, pages, policy, syncRateHz, asyncRateHz, serviceUs, notify, seed) => {
        const r = simulate({ ...quick, durationMs: 40, design, vcpus, pages, policy, syncRateHz, asyncRateHz, serviceUs, notify, seed });
        const t = r.vcpu_time;
        expect(t.running + t.sync_paused + t.blackeye + t.waitqueue).toBeCloseTo(1, 9);
        expect(r.handled).toBeLessThanOrEqual(r.events);
        expect(r.events).toBe(r.sync_events + r.async_events);
        if (design === "legacy") {
          expect(r.lost).toBe(0);
          // every handled event came back through a response; what is missing is still in flight
          expect(r.events - r.handled).toBeLessThanOrEqual(vcpus + r.slots);
        } else {
          expect(r.async_events).toBe(r.async_consumed + r.dropped + r.overwritten + r.async_in_ring);
          expect(r.sync_events - r.sync_handled).toBeLessThanOrEqual(vcpus);
          expect(r.waitqueue_entries + r.blackeye_pauses).toBe(0);
        }
      }), { seed: 11, numRuns: 60 });
  });
});
