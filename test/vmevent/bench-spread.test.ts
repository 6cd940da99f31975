import { describe, expect, it } from "vitest";
import { spreadOf } from "../../bench/spread.js";
import { ringCost } from "../../bench/ring-cost.js";

describe("ring benchmark statistics", () => {
  it("spread: median and quartiles by linear interpolation, ± as half the IQR over the median", () => {
    const s = spreadOf([4, 1, 3, 2, 5]);
    expect(s).toMatchObject({ median: 3, p25: 2, p75: 4, min: 1, max: 5, rounds: 5 });
    expect(s.spread_pct).toBeCloseTo(100 / 3, 12);
    expect(spreadOf([2, 1])).toMatchObject({ median: 1.5, p25: 1.25, p75: 1.75 });
    expect(spreadOf([7])).toMatchObject({ median: 7, spread_pct: 0, rounds: 1, median_ci95: [7, 7] });
    // n = 24: ranks 7 and 18 (1-based) bound the median at ~95 %.
    expect(spreadOf(Array.from({ length: 24 }, (_, i) => 24 - i)).median_ci95).toEqual([7, 18]);
  });

  it("one-thread cost moves real messages through both rings and reports per-round ratios", () => {
    const c = ringCost(64, 1, 4, 2);
    expect(c.payload_bytes).toBe(64);
    expect(c.ratio.rounds).toBe(4);
    expect(c.xenmm_ns).toBeGreaterThan(0);
    expect(c.ringbuf_ns).toBeGreaterThan(0);
  });
});
