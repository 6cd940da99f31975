import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IllegalTransitionError, RingCorruptionError } from "../../src/vmevent/errors.js";
import { ringBytes, SRING_FIELD } from "../../src/vmevent/ring-layout.js";
import { BackRing, crossedEvent, FrontRing, SharedRingRegion } from "../../src/vmevent/shared-ring.js";

const ENTRY = 16;
const CANARY = 0xa5;
const GUARD = 64;

/** A ring placed between two guard areas of canary bytes inside a larger buffer. */
function guardedRing(slots: number) {
  const buffer = new SharedArrayBuffer(GUARD + ringBytes(slots, ENTRY) + GUARD);
  const all = new Uint8Array(buffer);
  all.fill(CANARY);
  const region = new SharedRingRegion(buffer, GUARD, slots, ENTRY);
  region.entries.fill(0);
  region.init();
  const intact = () => all.subarray(0, GUARD).every((b) => b === CANARY) && all.subarray(GUARD + ringBytes(slots, ENTRY)).every((b) => b === CANARY);
  return { region, front: new FrontRing(region), back: new BackRing(region), intact };
}

const entry = (v: number) => new Uint8Array(ENTRY).fill(v);

describe("ring.h shared ring", () => {
  it("moves requests front → back and responses back → front, in order, through copies", () => {
    const { front, back } = guardedRing(8);
    for (let i = 1; i <= 3; i++) front.writeRequest(entry(i));
    front.pushRequests();
    const got = new Uint8Array(ENTRY);
    const seen: number[] = [];
    while (back.takeRequest(got)) {
      seen.push(got[0]);
      back.writeResponse(entry(got[0] + 100));
    }
    expect(seen).toEqual([1, 2, 3]);
    back.pushResponsesAndCheckNotify();
    const responses: number[] = [];
    while (front.takeResponse(got)) responses.push(got[0]);
    expect(responses).toEqual([101, 102, 103]);
    expect(front.freeRequests()).toBe(8);
  });

  it("returns a slot's credit only once its response is consumed", () => {
    const { front, back } = guardedRing(4);
    for (let i = 0; i < 4; i++) front.writeRequest(entry(i));
    front.pushRequests();
    expect(front.full()).toBe(true);
    const got = new Uint8Array(ENTRY);
    back.takeRequest(got); // consumed but not answered: still no credit
    expect(front.freeRequests()).toBe(0);
    expect(() => front.writeRequest(entry(9))).toThrow(IllegalTransitionError);
    back.writeResponse(entry(0));
    back.pushResponsesAndCheckNotify();
    expect(front.freeRequests()).toBe(0);
    front.takeResponse(got);
    expect(front.freeRequests()).toBe(1);
  });

  it("refuses to answer a request it has not consumed (would overwrite an unread request)", () => {
    const { back } = guardedRing(4);
    expect(() => back.writeResponse(entry(1))).toThrow(IllegalTransitionError);
  });

  it("notifies only when the producer index crosses the peer's event index", () => {
    expect(crossedEvent(0, 1, 1)).toBe(true);
    expect(crossedEvent(1, 2, 1)).toBe(false);
    expect(crossedEvent(0, 5, 3)).toBe(true);
    expect(crossedEvent(0xffffffff, 1, 0)).toBe(true); // across the u32 wrap
    const { front, back } = guardedRing(8);
    front.writeRequest(entry(1));
    expect(front.pushRequestsAndCheckNotify()).toBe(true); // req_event starts at 1
    front.writeRequest(entry(2));
    expect(front.pushRequestsAndCheckNotify()).toBe(false); // back end has not re-armed
    const got = new Uint8Array(ENTRY);
    while (back.takeRequest(got));
    expect(back.finalCheckForRequests()).toBe(false); // re-arms req_event = req_cons + 1
    front.writeRequest(entry(3));
    expect(front.pushRequestsAndCheckNotify()).toBe(true);
  });

  it("keeps working across the u32 wrap of free-running indices", () => {
    const { region, front, back } = guardedRing(4);
    const start = 0xfffffffe;
    front.resetIndices(start);
    back.resetIndices(start);
    region.store("reqProd", start); region.store("rspProd", start);
    const got = new Uint8Array(ENTRY);
    for (let round = 0; round < 5; round++) {
      front.writeRequest(entry(round)); front.pushRequests();
      expect(back.takeRequest(got)).toBe(true);
      expect(got[0]).toBe(round);
      back.writeResponse(entry(round)); back.pushResponsesAndCheckNotify();
      expect(front.takeResponse(got)).toBe(true);
    }
    expect(front.rspCons).toBe((start + 5) >>> 0);
  });
});

describe("a hostile peer writing garbage indices", () => {
  it("front end reports a rsp_prod that answers more requests than were made", () => {
    const { region, front, intact } = guardedRing(8);
    front.writeRequest(entry(1));
    front.pushRequests();
    region.store("rspProd", 5);
    expect(() => front.takeResponse(new Uint8Array(ENTRY))).toThrow(RingCorruptionError);
    try { front.unconsumedResponses(); } catch (e) { expect((e as RingCorruptionError).field).toBe("rsp_prod"); }
    expect(front.rspCons).toBe(0);
    expect(intact()).toBe(true);
  });

  it("back end reports a req_prod that claims more requests than the ring holds", () => {
    const { region, back, intact } = guardedRing(8);
    region.store("reqProd", 9);
    expect(() => back.takeRequest(new Uint8Array(ENTRY))).toThrow(RingCorruptionError);
    expect(back.reqCons).toBe(0);
    expect(intact()).toBe(true);
  });

  it("never reads or writes outside the region, whatever the shared words hold (property)", () => {
    fc.assert(fc.property(
      fc.constantFrom(1, 2, 4, 8),
      fc.array(fc.tuple(fc.constantFrom<keyof typeof SRING_FIELD>("reqProd", "reqEvent", "rspProd", "rspEvent"), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 6 }),
      fc.array(fc.constantFrom("write", "push", "take-req", "answer", "take-rsp", "final"), { maxLength: 40 }),
      (slots, garbage, ops) => {
        const { region, front, back, intact } = guardedRing(slots);
        const got = new Uint8Array(ENTRY);
        for (const [field, value] of garbage) region.store(field, value);
        let pendingAnswers = 0;
        for (const op of ops) {
          try {
            if (op === "write" && !front.full()) front.writeRequest(entry(7));
            else if (op === "push") front.pushRequestsAndCheckNotify();
            else if (op === "take-req" && back.takeRequest(got)) pendingAnswers++;
            else if (op === "answer" && pendingAnswers > 0) { back.writeResponse(entry(8)); back.pushResponsesAndCheckNotify(); pendingAnswers--; }
            else if (op === "take-rsp") front.takeResponse(got);
            else if (op === "final") { front.finalCheckForResponses(); back.finalCheckForRequests(); }
          } catch (e) {
            if (!(e instanceof RingCorruptionError)) throw e; // the only acceptable failure
          }
          expect(front.freeRequests()).toBeGreaterThanOrEqual(0);
          expect(front.freeRequests()).toBeLessThanOrEqual(slots);
        }
        expect(intact()).toBe(true);
      }), { seed: 11, numRuns: 300 });
  });
});
