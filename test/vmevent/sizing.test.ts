import { describe, expect, it } from "vitest";
import { asyncRingGeometry } from "../../src/vmevent/async-ring.js";
import { SIM_DEFAULTS } from "../../src/vmevent/sim/config.js";
import { SCENARIOS } from "../../src/vmevent/sim/scenarios.js";
import { ringSizes, sizeAsyncRing, sizeTable } from "../../src/vmevent/sizing.js";
import { xenmm } from "../run-cli.js";
import { expectRefused } from "./refused.js";

const { pages: _p, ...defaults } = SIM_DEFAULTS;
const typical = { ...defaults, ...SCENARIOS["introspection-typical"].settings };

describe("async ring sizing (issue 12 §2)", () => {
  it("tries only the smallest page count of each slot count", () => {
    expect(ringSizes()).toEqual([
      { pages: 1, slots: 8 }, { pages: 2, slots: 16 }, { pages: 4, slots: 32 }, { pages: 7, slots: 64 },
      { pages: 13, slots: 128 }, { pages: 26, slots: 256 }, { pages: 52, slots: 512 }, { pages: 103, slots: 1024 },
    ]);
    for (const { pages, slots } of ringSizes()) {
      expect(asyncRingGeometry(pages).nrSlots).toBe(slots);
      if (pages > 1) expect(asyncRingGeometry(pages - 1).nrSlots).toBeLessThan(slots);
    }
  });

  it("introspection-typical: 1 page up to 16 vCPUs, 4 pages at 64; the answer is the first ring under the target", () => {
    const answers = [8, 16, 64].map((v) => sizeAsyncRing(typical, v));
    expect(answers.map((a) => [a.vcpus, a.pages, a.slots])).toEqual([[8, 1, 8], [16, 1, 8], [64, 4, 32]]);
    const at64 = answers[2];
    expect(at64.candidates.map((c) => c.pages)).toEqual([1, 2, 4]);
    expect(at64.candidates.slice(0, -1).every((c) => c.async_loss_fraction >= 0.01)).toBe(true);
    expect(at64.async_loss_fraction).toBeLessThan(0.01);
    expect(sizeTable(answers)).toMatch(/^\s+64\s+4\s+32\s/m);
  });

  it("an overloaded agent has no answer, and says why", () => {
    const a = sizeAsyncRing(defaults, 64);
    expect(a.pages).toBeNull();
    expect(a.candidates).toHaveLength(8);
    expect(a.reason).toContain("one agent serves at most 20000 events/s and 64 vCPUs offer up to 160000/s");
  });

  it("ring size --json answers per vCPU count and refuses --pages", async () => {
    const r = await xenmm("ring", "size", "--scenario", "introspection-typical", "--vcpus", "8,64", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.target_loss_fraction).toBe(0.01);
    expect(out.sizes.map((s: { vcpus: number; pages: number }) => [s.vcpus, s.pages])).toEqual([[8, 1], [64, 4]]);
    await expectRefused("--pages", "ring", "size", "--pages", "2");
    await expectRefused("--target", "ring", "size", "--target", "2");
  });
});
