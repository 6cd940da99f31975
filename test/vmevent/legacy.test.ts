import { describe, expect, it } from "vitest";
import { REQUEST_BYTES, VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION, VM_EVENT_REASON } from "../../src/vmevent/abi.js";
import { IllegalTransitionError } from "../../src/vmevent/errors.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { LegacyVmEvent, type LegacyVcpuState } from "../../src/vmevent/legacy.js";
import { answer, newEntry, readHeader, readTag, writeHeader } from "../../src/vmevent/request.js";
import { BackRing, FrontRing, SharedRingRegion } from "../../src/vmevent/shared-ring.js";

const BP = VM_EVENT_REASON.SOFTWARE_BREAKPOINT;
const MA = VM_EVENT_REASON.MEM_ACCESS;

function setup(vcpus: number, slots = 8) {
  const region = SharedRingRegion.create(slots, REQUEST_BYTES);
  const log: string[] = [];
  const woken: number[] = [];
  let notifications = 0;
  const model = new LegacyVmEvent(vcpus, new FrontRing(region), {
    notifyConsumer: () => { notifications++; },
    stateChanged: (v, from, to) => log.push(`${v}:${from}->${to}`),
    wokenFromWaitqueue: (v) => woken.push(v),
  });
  const back = new BackRing(region);
  const req = newEntry();
  const rsp = newEntry();
  /** The consumer answers `n` requests (all if omitted) and notifies, so Xen runs resume. */
  const serve = (n = Infinity) => {
    const served: number[] = [];
    while (served.length < n && back.takeRequest(req)) {
      served.push(readHeader(req).vcpuId);
      answer(req, rsp);
      back.writeResponse(rsp);
    }
    back.pushResponsesAndCheckNotify();
    model.resume();
    return served;
  };
  return { model, back, serve, log, woken, notifications: () => notifications };
}

const states = (m: LegacyVmEvent): LegacyVcpuState[] => Array.from({ length: m.maxVcpus }, (_, v) => m.state(v));

describe("legacy vm_event: claims, sync pauses, responses", () => {
  it("pauses a sync vCPU until its response, and the response returns the slot", () => {
    const { model, serve } = setup(2);
    expect(model.monitorTraps(0, true, BP, 42)).toEqual({ kind: "put", blackEye: false });
    expect(model.state(0)).toBe("sync_paused");
    expect(model.available()).toBe(7);
    serve();
    expect(model.state(0)).toBe("running");
    expect(model.available()).toBe(8);
  });

  it("stamps version, VCPU_PAUSED for sync, vcpu_id and the caller's tag into the request", () => {
    const { model, back } = setup(4);
    model.monitorTraps(3, true, BP, 1234);
    const req = newEntry();
    back.takeRequest(req);
    expect(readHeader(req)).toEqual({ version: VM_EVENT_INTERFACE_VERSION, flags: VM_EVENT_FLAG.VCPU_PAUSED, reason: BP, vcpuId: 3 });
    expect(readTag(req)).toBe(1234);
  });

  it("sends exactly one notification per request", () => {
    const { model, notifications } = setup(8);
    for (let v = 0; v < 5; v++) model.monitorTraps(v, v % 2 === 0, MA);
    expect(notifications()).toBe(5);
    expect(model.counters.notifications).toBe(5);
  });

  it("needs a response for async requests too: without one, the slot never comes back", () => {
    const { model, back } = setup(1);
    model.monitorTraps(0, false, MA);
    expect(model.available()).toBe(7);
    back.takeRequest(newEntry()); // consumed, never answered
    model.resume();
    expect(model.available()).toBe(7);
  });

  it("skips responses with a wrong version or vcpu_id (and still returns their slot)", () => {
    const { model, back } = setup(2);
    model.monitorTraps(0, true, BP);
    const req = newEntry();
    const rsp = newEntry();
    back.takeRequest(req);
    writeHeader(rsp, { version: 6, flags: VM_EVENT_FLAG.VCPU_PAUSED, reason: BP, vcpuId: 0 });
    back.writeResponse(rsp);
    back.pushResponsesAndCheckNotify();
    model.resume();
    expect(model.counters.skippedResponses).toBe(1);
    expect(model.state(0)).toBe("sync_paused");
    expect(model.available()).toBe(8);
  });
});

describe("legacy vm_event: the black eye", () => {
  it("pauses a vCPU whose async put leaves fewer available slots than max_vcpus", () => {
    const { model } = setup(8);
    expect(model.monitorTraps(0, false, MA)).toEqual({ kind: "put", blackEye: true });
    expect(model.state(0)).toBe("blackeye");
    expect(model.blocked).toBe(1);
  });

  it("does not black-eye a vCPU that is already sync-paused (commit 7f8445d967), nor below the threshold", () => {
    const { model } = setup(8);
    expect(model.monitorTraps(0, true, BP)).toEqual({ kind: "put", blackEye: false });
    const small = setup(4).model;
    expect(small.monitorTraps(0, false, MA)).toEqual({ kind: "put", blackEye: false });
  });

  it("lets the next put release a black-eyed vCPU (release_slot wakes before the black-eye check)", () => {
    const { model } = setup(8);
    model.monitorTraps(0, false, MA);
    model.monitorTraps(1, false, MA);
    expect(states(model).slice(0, 2)).toEqual(["running", "blackeye"]);
    expect(model.blocked).toBe(1);
  });

  it("wakes black-eyed vCPUs round-robin from the last one woken, one per free slot", () => {
    const { model, serve } = setup(10);
    for (const v of [0, 2, 3, 4, 6]) model.monitorTraps(v, true, BP); // 5 slots held, 3 available
    model.monitorTraps(7, false, MA); // available 2: black eye
    model.monitorTraps(8, false, MA); // wakes 7 (last = 7), then black eye on 8
    model.monitorTraps(1, false, MA); // available 0: nobody woken, black eye on 1
    expect([model.state(1), model.state(7), model.state(8)]).toEqual(["blackeye", "running", "blackeye"]);
    expect(model.lastVcpuWakeUp).toBe(7);
    serve(1); // one slot: the scan starts after vCPU 7, so 8 goes before the lower-numbered 1
    expect([model.state(1), model.state(8)]).toEqual(["blackeye", "running"]);
    expect(model.lastVcpuWakeUp).toBe(8);
    serve(1);
    expect(model.state(1)).toBe("running");
    expect(model.lastVcpuWakeUp).toBe(1);
    expect(model.blocked).toBe(0);
  });
});

describe("legacy vm_event: the waitqueue and livepatching", () => {
  it("parks the 9th sync vCPU on an 8-slot ring, refuses livepatch and disable, then wakes it FIFO", () => {
    const { model, serve, woken } = setup(12);
    for (let v = 0; v < 8; v++) model.monitorTraps(v, true, BP);
    expect(model.monitorTraps(8, true, BP)).toEqual({ kind: "waitqueue" });
    expect(model.monitorTraps(9, false, MA)).toEqual({ kind: "waitqueue" });
    expect(model.state(8)).toBe("waitqueue");
    expect(model.waitqueueLength()).toBe(2);
    expect(model.livepatchSafetyCheck()).toBe("EBUSY");
    expect(model.canDisable()).toBe("EBUSY");
    serve(1); // one slot frees: the head of the queue (vCPU 8) is woken, not vCPU 9
    expect(woken).toEqual([8]);
    expect(model.state(8)).toBe("running");
    expect(model.livepatchSafetyCheck()).toBe("EBUSY"); // vCPU 9 still waits
    expect(model.retryWaiter(8)).toEqual({ kind: "put", blackEye: false });
    expect(model.state(8)).toBe("sync_paused");
    serve(1);
    expect(woken).toEqual([8, 9]);
    expect(model.livepatchSafetyCheck()).toBe("ok");
    expect(model.retryWaiter(9).kind).toBe("put");
    expect(model.counters.waitqueueEntries).toBe(2);
  });

  it("re-queues a woken waiter at the tail when its retry finds no slot", () => {
    const { model, serve, woken } = setup(10);
    for (let v = 0; v < 8; v++) model.monitorTraps(v, true, BP);
    model.monitorTraps(8, true, BP);
    serve(1);
    expect(woken).toEqual([8]);
    model.monitorTraps(0, true, BP); // vCPU 0 (just answered) takes the freed slot first
    expect(model.retryWaiter(8)).toEqual({ kind: "waitqueue" });
    expect(model.counters.waitqueueEntries).toBe(2);
  });

  it("lets a foreign producer fail with EBUSY instead of sleeping", () => {
    const { model } = setup(10);
    for (let v = 0; v < 8; v++) model.monitorTraps(v, true, BP);
    expect(model.foreignRequest(MA)).toBe("EBUSY");
    expect(model.counters.foreignBusy).toBe(1);
    expect(model.waitqueueLength()).toBe(0);
  });
});

describe("legacy vm_event: illegal transitions are rejected", () => {
  it("refuses a trap from a vCPU that is not running", () => {
    const { model } = setup(12);
    model.monitorTraps(0, true, BP);
    expect(() => model.monitorTraps(0, true, BP)).toThrow(IllegalTransitionError);
    for (let v = 1; v < 8; v++) model.monitorTraps(v, true, BP);
    model.monitorTraps(8, true, BP);
    expect(() => model.monitorTraps(8, false, MA)).toThrow(IllegalTransitionError); // on the waitqueue
  });

  it("refuses a retry from a vCPU that was not woken, and a cancel without a reservation", () => {
    const { model } = setup(2);
    expect(() => model.retryWaiter(0)).toThrow(IllegalTransitionError);
    expect(() => model.cancelSlot(1)).toThrow(IllegalTransitionError);
  });

  it("refuses a woken waiter's new trap before it retried its parked one", () => {
    const { model, serve } = setup(10);
    for (let v = 0; v < 8; v++) model.monitorTraps(v, true, BP);
    model.monitorTraps(8, true, BP);
    serve(1);
    expect(() => model.monitorTraps(8, true, BP)).toThrow(IllegalTransitionError);
  });

  it("rejects vCPU ids outside 0..max_vcpus-1", () => {
    const { model } = setup(2);
    expect(() => model.monitorTraps(2, true, BP)).toThrow(InvalidArgumentError);
    expect(() => model.monitorTraps(-1, true, BP)).toThrow(InvalidArgumentError);
  });
});
