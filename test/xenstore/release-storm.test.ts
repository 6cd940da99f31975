/**
 * The release-storm model: counts for small N computed by hand from the rules in
 * src/xenstore/release-storm.ts, and the same scenarios played through the real server.
 */
import { describe, expect, it } from "vitest";
import { simulateReleaseStorm, type StormParams } from "../../src/xenstore/release-storm.js";
import { runServerStorm } from "../../src/xenstore/storm-replay.js";

describe("hand-computed counts", () => {
  it("N=2, M=2, K=2", () => {
    // legacy, death 1: xenstored scans 2; 2 listeners get the event and scan 2 each; 1 irrelevant.
    //         death 2: xenstored scans 1; 1 listener gets it and scans 1.
    //         queries 2+4+1+1 = 8, delivered 3, irrelevant 1.
    //         delays (1 µs a query, 10 µs a hop): d1 2 + 10 + 2 = 14 (its listener scans first), d2 1 + 10 + 1 = 12.
    expect(simulateReleaseStorm({ domains: 2, listeners: 2, deaths: 2, design: "legacy" })).toEqual({
      design: "legacy", domains: 2, listeners: 2, deaths: 2,
      queries: 8, lock_hold_ms: 0.008, events_delivered: 3, events_irrelevant: 1,
      notify_delay_us_mean: 13, notify_delay_us_max: 14,
    });
    // new: 2 polls per death, one event to the dead domain's listener, 1 µs + one hop after the death.
    expect(simulateReleaseStorm({ domains: 2, listeners: 2, deaths: 2, design: "new" })).toEqual({
      design: "new", domains: 2, listeners: 2, deaths: 2,
      queries: 4, lock_hold_ms: 0.004, events_delivered: 2, events_irrelevant: 0,
      notify_delay_us_mean: 11, notify_delay_us_max: 11,
    });
  });

  it("N=3, M=3, K=3", () => {
    // legacy: d1: 3 + 3·3 = 12, delivered 3, irrelevant 2; d2: 2 + 2·2 = 6, 2, 1; d3: 1 + 1 = 2, 1, 0.
    expect(simulateReleaseStorm({ domains: 3, listeners: 3, deaths: 3, design: "legacy" })).toMatchObject({
      queries: 20, events_delivered: 6, events_irrelevant: 3,
    });
    expect(simulateReleaseStorm({ domains: 3, listeners: 3, deaths: 3, design: "new" })).toMatchObject({
      queries: 6, events_delivered: 3, events_irrelevant: 0,
    });
  });

  it("N=4, M=6, K=2 (listeners 0..5 → domains 1,2,3,4,1,2), query cost 2 µs", () => {
    // c = [_, 2, 2, 1, 1]. legacy d1: A=4, L=6: 4 + 24 = 28, delivered 6, irrelevant 4.
    //                              d2: A=3, L=4: 3 + 12 = 15, delivered 4, irrelevant 2.
    expect(simulateReleaseStorm({ domains: 4, listeners: 6, deaths: 2, design: "legacy", queryCostUs: 2 })).toMatchObject({
      queries: 43, lock_hold_ms: 0.086, events_delivered: 10, events_irrelevant: 6,
    });
    expect(simulateReleaseStorm({ domains: 4, listeners: 6, deaths: 2, design: "new", queryCostUs: 2 })).toMatchObject({
      queries: 4, lock_hold_ms: 0.008, events_delivered: 4, events_irrelevant: 0,
    });
  });

  it("no listeners, no deaths", () => {
    expect(simulateReleaseStorm({ domains: 5, listeners: 0, deaths: 5, design: "legacy" }).queries).toBe(15);
    expect(simulateReleaseStorm({ domains: 5, listeners: 5, deaths: 0, design: "legacy" }).queries).toBe(0);
    expect(() => simulateReleaseStorm({ domains: 2, listeners: 1, deaths: 3, design: "new" })).toThrow(/deaths/);
  });

  it("legacy grows cubically with N = M = K, new linearly", () => {
    const legacy = simulateReleaseStorm({ domains: 1000, listeners: 1000, deaths: 1000, design: "legacy" });
    // Σ_{A=1..N} (A + A·A) = N(N+1)/2 + N(N+1)(2N+1)/6
    expect(legacy.queries).toBe(500500 + 333833500);
    expect(simulateReleaseStorm({ domains: 1000, listeners: 1000, deaths: 1000, design: "new" }).queries).toBe(2000);
  });
});

describe("the real server agrees with the model", () => {
  const cases: StormParams[] = [
    { domains: 2, listeners: 2, deaths: 2, design: "legacy" },
    { domains: 4, listeners: 6, deaths: 2, design: "legacy", queryCostUs: 2 },
    { domains: 4, listeners: 6, deaths: 2, design: "new", queryCostUs: 2 },
    { domains: 12, listeners: 7, deaths: 9, design: "legacy" },
    { domains: 12, listeners: 30, deaths: 12, design: "new" },
    { domains: 100, listeners: 100, deaths: 100, design: "legacy" },
    { domains: 100, listeners: 100, deaths: 100, design: "new" },
    { domains: 4, listeners: 6, deaths: 2, design: "toolstack", queryCostUs: 2, hopUs: 5 },
    { domains: 4, listeners: 6, deaths: 2, design: "legacy", queryCostUs: 2, hopUs: 5 },
    { domains: 12, listeners: 30, deaths: 12, design: "toolstack" },
    { domains: 12, listeners: 30, deaths: 12, design: "legacy" },
    { domains: 60, listeners: 60, deaths: 60, design: "toolstack" },
  ];
  for (const p of cases) {
    it(`${p.design} N=${p.domains} M=${p.listeners} K=${p.deaths}`, () => {
      expect(runServerStorm(p)).toEqual(simulateReleaseStorm(p));
    });
  }
});
