/**
 * The legacy design in time: guest vCPUs trap into the real LegacyVmEvent model (FrontRing),
 * one consumer drains the BackRing of the same shared ring and answers every request, and
 * Xen's resume runs when the consumer notifies (per event or per drained batch).
 */
import { REQUEST_BYTES } from "../abi.js";
import { LegacyVmEvent } from "../legacy.js";
import { answer, readTag } from "../request.js";
import { ringSlots } from "../ring-layout.js";
import { BackRing, FrontRing, SharedRingRegion } from "../shared-ring.js";
import type { SimConfig, SimRun } from "./config.js";
import { ConsumerWake, SimCore } from "./core.js";

type LegacyEvent =
  | { kind: "trap"; vcpu: number; generation: number }
  | { kind: "retry"; vcpu: number }
  | { kind: "consumer-wake" }
  | { kind: "service-done"; tag: number };

export function simulateLegacy(config: SimConfig): SimRun {
  const core = new SimCore<LegacyEvent>(config, (vcpu, generation) => ({ kind: "trap", vcpu, generation }));
  const slots = ringSlots(config.pages, REQUEST_BYTES);
  const region = SharedRingRegion.create(slots, REQUEST_BYTES);
  const back = new BackRing(region);
  const request = core.newEntry();
  const inService = core.newEntry();
  const response = core.newEntry();
  const consumer = new ConsumerWake(() => core.queue.push(core.now, { kind: "consumer-wake" }));
  let unpushedResponses = 0;
  let asyncPuts = 0;
  /** Ring slots each vCPU's requests hold (put, response not yet taken by Xen). */
  const held = new Int32Array(config.vcpus);
  let maxHeldAtWaitqueue = 0;

  const model = new LegacyVmEvent(config.vcpus, new FrontRing(region), {
    notifyConsumer: () => consumer.notify(),
    stateChanged: (vcpu, from, to) => {
      core.move(from, to);
      if (to === "running") core.scheduleTrap(vcpu);
      else if (from === "running") core.cancelTrap(vcpu);
    },
    wokenFromWaitqueue: (vcpu) => core.queue.push(core.now, { kind: "retry", vcpu }),
    responseHandled: (vcpu, tag) => {
      held[vcpu]--;
      core.complete(tag);
    },
  });

  const afterTrap = (vcpu: number, outcome: ReturnType<LegacyVmEvent["monitorTraps"]>, sync: boolean) => {
    if (outcome.kind === "put") {
      held[vcpu]++;
      if (!sync) asyncPuts++;
    } else maxHeldAtWaitqueue = Math.max(maxHeldAtWaitqueue, ...held);
    // A vCPU that is still running after its trap (async, no black eye) raises its next event.
    if (model.state(vcpu) === "running") core.scheduleTrap(vcpu);
  };

  /** Xen's resume runs in the consumer's context when it pushes responses and notifies. */
  const pushResponses = () => {
    back.pushResponsesAndCheckNotify();
    unpushedResponses = 0;
    model.resume();
  };

  const startNext = () => {
    if (back.takeRequest(inService)) {
      consumer.busy = true;
      core.queue.push(core.now + core.serviceTime(), { kind: "service-done", tag: readTag(inService) });
      return;
    }
    if (unpushedResponses > 0) {
      pushResponses();
      if (back.unconsumedRequests() > 0) return startNext();
    }
    consumer.busy = false;
    if (back.finalCheckForRequests()) startNext();
  };

  core.run((e) => {
    switch (e.kind) {
      case "trap": {
        if (!core.isCurrent(e.vcpu, e.generation) || model.state(e.vcpu) !== "running") return;
        const trap = core.raise(e.vcpu, request);
        afterTrap(e.vcpu, model.monitorTraps(e.vcpu, trap.sync, 0, trap.tag), trap.sync);
        return;
      }
      case "retry": {
        const sync = core.traps[core.lastTag[e.vcpu]]?.sync ?? false;
        afterTrap(e.vcpu, model.retryWaiter(e.vcpu), sync);
        return;
      }
      case "consumer-wake":
        consumer.woken(startNext);
        return;
      case "service-done":
        answer(inService, response);
        back.writeResponse(response);
        unpushedResponses++;
        if (config.notify === "event") pushResponses();
        startNext();
        return;
    }
  }, () => core.clock.setFlag(model.livepatchSafetyCheck() === "EBUSY"));

  core.censorWaiting(core.unfinishedAsync());
  const { p50, p99 } = core.latency.summary();
  const seconds = config.durationMs / 1000;
  return {
    design: "legacy",
    vcpus: config.vcpus,
    pages: config.pages,
    policy: "block",
    events: core.traps.length,
    throughput: core.handled / seconds,
    latency_p50_us: p50,
    latency_p99_us: p99,
    waitqueue_entries: model.counters.waitqueueEntries,
    max_slots_one_vcpu_at_waitqueue: maxHeldAtWaitqueue,
    blackeye_pauses: model.counters.blackEyePauses,
    livepatch_blocked_fraction: core.clock.flagFraction(core.endUs),
    lost: 0,
    slots,
    sync_events: core.syncEvents,
    async_events: core.asyncEvents,
    handled: core.handled,
    sync_handled: core.syncHandled,
    blackeye_per_async: asyncPuts > 0 ? model.counters.blackEyePauses / asyncPuts : 0,
    vcpu_time: core.clock.fractions(),
    dropped: 0,
    overwritten: 0,
    async_in_ring: 0,
    async_consumed: 0,
    notifications: model.counters.notifications,
    seed: config.seed,
    duration_ms: config.durationMs,
    sync_rate_hz: config.syncRateHz,
    async_rate_hz: config.asyncRateHz,
    service_us: config.serviceUs,
    ...core.deliveryReport("fifo", 0),
  };
}
