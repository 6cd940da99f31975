import { describe, expect, it } from "vitest";
import { LEGACY_RING_GFN, PAGE_SIZE, REQUEST_BYTES } from "../../src/vmevent/abi.js";
import { RingCorruptionError } from "../../src/vmevent/errors.js";
import { GFNS_PER_1G, GuestP2m, INVALID_MFN } from "../../src/vmevent/hazards/guest-p2m.js";
import { runHazards, type StartRoles } from "../../src/vmevent/hazards/hazards.js";
import { BoundsCheckedRing, intact, legacyUnderScribble, stampRequest } from "../../src/vmevent/hazards/scribble.js";
import { newEntry } from "../../src/vmevent/request.js";
import { BackRing, FrontRing } from "../../src/vmevent/shared-ring.js";
import { CONTROL, newControl, waitWhileEquals } from "../../src/vmevent/workers/control.js";
import { startRoles } from "../../src/vmevent/workers/node-host.js";
import type { ScribblerSpec } from "../../src/vmevent/workers/guest-roles.js";
import { xenmm } from "../run-cli.js";
import { expectRefused } from "./refused.js";

// Real worker_threads: the hostile guest runs the compiled guest roles from dist/.
const workerUrl = new URL("../../dist/src/vmevent/workers/node-role-worker.js", import.meta.url);
const start: StartRoles = (specs, members) => startRoles(specs, members, { workerUrl });
const windowBase = LEGACY_RING_GFN - (LEGACY_RING_GFN % GFNS_PER_1G);

describe("legacy ring under a scribbling guest", () => {
  it("a garbage req_prod is refused by the agent and a garbage rsp_prod by Xen, without touching memory outside the ring", () => {
    const memory = new SharedArrayBuffer(4 * PAGE_SIZE);
    const region = new BoundsCheckedRing(memory, PAGE_SIZE, 8, REQUEST_BYTES);
    region.init();
    const front = new FrontRing(region);
    const back = new BackRing(region);
    const entry = newEntry();
    stampRequest(entry, 0, false);
    front.writeRequest(entry);
    front.pushRequests();
    region.store("reqProd", 0x7fff0000);
    expect(() => back.takeRequest(newEntry())).toThrow(RingCorruptionError);
    region.store("rspProd", 5);
    expect(() => front.takeResponse(newEntry())).toThrow(RingCorruptionError);
    expect(region.outOfBounds).toBe(0);
    // Neighbouring guest pages are untouched by the ring code.
    expect(new Uint8Array(memory, 0, PAGE_SIZE).every((b) => b === 0)).toBe(true);
  });

  it("the agent's request check refuses a scribbled payload or a replayed tag", () => {
    const e = newEntry();
    stampRequest(e, 41, true);
    expect(intact(e, 41)).toBe(true);
    expect(intact(e, 42)).toBe(false);
    e[300] ^= 1;
    expect(intact(e, 41)).toBe(false);
  });

  it("with a real guest thread writing into the ring page: corruption is caught, nothing goes out of bounds, losses are counted", async () => {
    const memory = new SharedArrayBuffer(4 * PAGE_SIZE);
    const spec: ScribblerSpec = { role: "guest-scribbler", control: newControl().buffer as SharedArrayBuffer, participants: 1, memory, from: PAGE_SIZE, bytes: PAGE_SIZE, seed: 7 };
    const guest = start([spec], 0);
    expect(waitWhileEquals(new Int32Array(spec.control), CONTROL.ready, 0, 30_000)).toBe(true);
    const o = legacyUnderScribble(memory, PAGE_SIZE, 8, 50_000);
    const [g] = await guest.finish();
    expect(g.hostileWrites).toBeGreaterThan(0);
    expect(o.produced).toBe(50_000);
    expect(o.outOfBounds).toBe(0);
    expect(o.xenDetected + o.agentDetected + o.refusedRequests).toBeGreaterThan(0);
    expect(o.delivered).toBeLessThan(o.produced);
    expect(o.resets).toBeGreaterThanOrEqual(o.xenDetected + o.agentDetected);
  });
});

describe("guest p2m window", () => {
  it("removing one GFN from a 1 GiB superpage splits it and the 2 MiB page holding it, once", () => {
    const p2m = GuestP2m.create(windowBase, LEGACY_RING_GFN);
    expect(p2m.decreaseReservation(LEGACY_RING_GFN)).toBe("ok");
    expect(p2m.superpagesSplit).toBe(2);
    expect(p2m.mfn(LEGACY_RING_GFN)).toBe(INVALID_MFN);
    expect(p2m.decreaseReservation(LEGACY_RING_GFN + 1)).toBe("ok");
    expect(p2m.superpagesSplit).toBe(2); // same 2 MiB block, already split
    expect(p2m.decreaseReservation(LEGACY_RING_GFN)).toBe("ENOENT");
    expect(p2m.populate(LEGACY_RING_GFN, 5)).toBe("ok");
    expect(p2m.populate(LEGACY_RING_GFN, 6)).toBe("EBUSY");
    expect(p2m.populateElsewhere()).toBe("ok");
    expect(p2m.populateElsewhere()).toBe("ENOMEM"); // back at the allowance
    expect(() => p2m.mfn(windowBase - 1)).toThrow(RangeError);
  });
});

describe("ring hazards (guest in a worker thread)", () => {
  it("legacy vs redesign, scenario by scenario", async () => {
    const { scenarios } = await runHazards(start, { events: 20_000 });
    expect(scenarios.map((s) => `${s.name}/${s.design}`)).toEqual([
      "scribble/legacy", "scribble/new", "balloon/legacy", "balloon/legacy", "balloon/new", "balloon/new", "superpage/legacy", "superpage/new",
    ]);
    for (const s of scenarios) expect(s.out_of_bounds_accesses).toBe(0);
    const [scribLegacy, scribNew, balloonBefore, balloonReconnect, ...rest] = scenarios;
    expect(scribLegacy.events_lost).toBeGreaterThan(0);
    expect(scribNew.events_lost).toBe(0);
    expect(balloonBefore).toMatchObject({ agent_connected: false, superpages_split: 2 });
    expect(balloonBefore.outcome).toContain("-ENOMEM");
    expect(balloonReconnect.agent_connected).toBe(false);
    expect(balloonReconnect.outcome).toContain("reconnect failed");
    expect(rest.map((s) => [s.design, s.agent_connected, s.superpages_split])).toEqual([["new", true, 0], ["new", true, 0], ["legacy", true, 2], ["new", true, 0]]);
  });

  it("xenmm ring hazards --json has exactly the issue's shape", async () => {
    const r = await xenmm("ring", "hazards", "--events", "5000", "--json");
    expect(r.code).toBe(0);
    const { scenarios } = JSON.parse(r.stdout);
    for (const s of scenarios) {
      expect(Object.keys(s).sort()).toEqual(["agent_connected", "design", "events_lost", "name", "out_of_bounds_accesses", "outcome", "superpages_split"]);
      expect(["scribble", "balloon", "superpage"]).toContain(s.name);
      expect(["legacy", "new"]).toContain(s.design);
    }
    await expectRefused("--events", "ring", "hazards", "--events", "0");
  });
});
