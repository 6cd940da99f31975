import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REQUEST_BYTES } from "../../src/vmevent/abi.js";
import { IllegalTransitionError, RingCorruptionError } from "../../src/vmevent/errors.js";
import { answer, newEntry, readHeader, writeHeader } from "../../src/vmevent/request.js";
import {
  checkTransition, packState, SLOT_TRANSITIONS, SlotState, SyncSlotRegion, SyncSlotsConsumer, SyncSlotsXen, SYNC_SLOT_BYTES, unpackState,
} from "../../src/vmevent/sync-slots.js";

function setup(vcpus = 4) {
  const region = SyncSlotRegion.create(vcpus);
  return { region, xen: new SyncSlotsXen(region), agent: new SyncSlotsConsumer(region) };
}

function request(vcpu: number): Uint8Array {
  const e = newEntry();
  writeHeader(e, { version: 7, flags: 1, reason: 6, vcpuId: vcpu });
  return e;
}

describe("sync slot state machine", () => {
  it("allows exactly IDLE→SUBMIT (xen), SUBMIT→FINISH (consumer), FINISH→IDLE (xen)", () => {
    const allowed = new Set(SLOT_TRANSITIONS.map((t) => `${t.from}>${t.to}:${t.actor}`));
    expect(allowed.size).toBe(3);
    for (const from of [0, 1, 2]) for (const to of [0, 1, 2]) for (const actor of ["xen", "consumer"] as const) {
      const legal = allowed.has(`${from}>${to}:${actor}`);
      if (legal) expect(() => checkTransition(from, to, actor)).not.toThrow();
      else expect(() => checkTransition(from, to, actor)).toThrow(IllegalTransitionError);
    }
  });

  it("runs a full round trip and copies data both ways", () => {
    const { xen, agent, region } = setup();
    const seq = xen.submit(2, request(2));
    expect(unpackState(region.loadState(2))).toEqual({ state: SlotState.SUBMIT, seq });
    expect(xen.takeResponse(2, newEntry())).toBe("pending");
    const got = newEntry();
    expect(agent.takeRequest(2, got)).toBe(seq);
    expect(readHeader(got).vcpuId).toBe(2);
    const rsp = newEntry();
    answer(got, rsp);
    agent.respond(2, seq, rsp);
    const back = newEntry();
    expect(xen.takeResponse(2, back)).toBe("ok");
    expect(readHeader(back)).toEqual({ version: 7, flags: 1, reason: 6, vcpuId: 2 });
    expect(unpackState(region.loadState(2)).state).toBe(SlotState.IDLE);
    expect(xen.counters).toEqual({ submitted: 1, completed: 1, staleRejected: 0 });
  });

  it("rejects a second submit for a vCPU whose request is outstanding (it must be paused)", () => {
    const { xen } = setup();
    xen.submit(0, request(0));
    expect(() => xen.submit(0, request(0))).toThrow(IllegalTransitionError);
  });

  it("rejects answering twice, answering an older sequence, and answering an idle slot", () => {
    const { xen, agent } = setup();
    expect(() => agent.respond(1, 1, newEntry())).toThrow(IllegalTransitionError); // IDLE
    const s1 = xen.submit(1, request(1));
    agent.respond(1, s1, newEntry());
    expect(() => agent.respond(1, s1, newEntry())).toThrow(IllegalTransitionError); // FINISH already
    xen.takeResponse(1, newEntry());
    const s2 = xen.submit(1, request(1));
    expect(() => agent.respond(1, s1, newEntry())).toThrow(IllegalTransitionError); // stale sequence
    agent.respond(1, s2, newEntry());
    expect(xen.takeResponse(1, newEntry())).toBe("ok");
  });

  it("gives each request of a vCPU a new sequence number", () => {
    const { xen, agent } = setup(1);
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = xen.submit(0, request(0));
      seqs.push(s);
      agent.respond(0, s, newEntry());
      xen.takeResponse(0, newEntry());
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it("lays slots out at vcpu × 408 bytes, with the state word at offset 4", () => {
    const { xen, region } = setup(3);
    xen.submit(2, request(2));
    const words = new Uint32Array(region.buffer);
    expect(words[(2 * SYNC_SLOT_BYTES + 4) / 4]).toBe(packState(1, SlotState.SUBMIT));
    expect(new Uint8Array(region.buffer)[2 * SYNC_SLOT_BYTES + 8 + 12]).toBe(2); // vcpu_id inside the union
    expect(region.buffer.byteLength).toBe(3 * 408);
    expect(REQUEST_BYTES + 8).toBe(SYNC_SLOT_BYTES);
  });
});

describe("a hostile consumer writing garbage slot states", () => {
  it("Xen rejects a FINISH with a stale sequence and keeps waiting for the right one", () => {
    const { xen, agent, region } = setup();
    const seq = xen.submit(0, request(0));
    Atomics.store(region.words, region.stateIndex(0), packState(seq + 7, SlotState.FINISH));
    expect(xen.takeResponse(0, newEntry())).toBe("stale");
    expect(xen.counters.staleRejected).toBe(1);
    expect(xen.hasOutstanding(0)).toBe(true);
    Atomics.store(region.words, region.stateIndex(0), packState(seq, SlotState.SUBMIT));
    agent.respond(0, seq, newEntry());
    expect(xen.takeResponse(0, newEntry())).toBe("ok");
  });

  it("Xen reports states outside the machine, and slots reset behind its back", () => {
    const { xen, region } = setup();
    xen.submit(1, request(1));
    Atomics.store(region.words, region.stateIndex(1), 0xf);
    expect(() => xen.takeResponse(1, newEntry())).toThrow(RingCorruptionError);
    Atomics.store(region.words, region.stateIndex(1), packState(1, SlotState.IDLE));
    expect(() => xen.takeResponse(1, newEntry())).toThrow(RingCorruptionError);
    Atomics.store(region.words, region.stateIndex(2), packState(3, SlotState.SUBMIT));
    expect(() => xen.submit(2, request(2))).toThrow(RingCorruptionError);
  });

  it("stays inside the slot region for any garbage state word (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (vcpu, garbage) => {
      const buffer = new SharedArrayBuffer(64 + 4 * SYNC_SLOT_BYTES + 64);
      const all = new Uint8Array(buffer).fill(0x5a);
      new Uint8Array(buffer, 64, 4 * SYNC_SLOT_BYTES).fill(0);
      const region = new SyncSlotRegion(buffer, 64, 4);
      const xen = new SyncSlotsXen(region);
      const agent = new SyncSlotsConsumer(region);
      xen.submit(vcpu, request(vcpu));
      Atomics.store(region.words, region.stateIndex(vcpu), garbage);
      for (const op of [() => xen.takeResponse(vcpu, newEntry()), () => agent.takeRequest(vcpu, newEntry()), () => agent.respond(vcpu, 1, newEntry())]) {
        try { op(); } catch (e) { expect(e instanceof RingCorruptionError || e instanceof IllegalTransitionError).toBe(true); }
      }
      expect(all.subarray(0, 64).every((b) => b === 0x5a)).toBe(true);
      expect(all.subarray(64 + 4 * SYNC_SLOT_BYTES).every((b) => b === 0x5a)).toBe(true);
    }), { seed: 11, numRuns: 200 });
  });
});
