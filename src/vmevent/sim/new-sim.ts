/**
 * The redesign in time: sync events go to the vCPU's own slot (SyncSlotsXen) and pause only
 * that vCPU; async events go to the lossy async ring and never pause anyone. One consumer
 * serves the sync slots and the async ring in the order its policy picks (agent-policy.ts),
 * over the real shared-memory structures and event channels.
 */
import { AsyncRingRegion } from "../async-ring.js";
import { AsyncRingProducer } from "../async-producer.js";
import { AsyncRingConsumer } from "../async-consumer.js";
import { EventChannelSet } from "../event-channel.js";
import { answer, readTag } from "../request.js";
import { SyncSlotRegion, SyncSlotsConsumer, SyncSlotsXen } from "../sync-slots.js";
import type { SimConfig, SimRun } from "./config.js";
import { AgentScheduler } from "./agent-policy.js";
import { ConsumerWake, SimCore } from "./core.js";

type NewEvent =
  | { kind: "trap"; vcpu: number; generation: number }
  | { kind: "consumer-wake" }
  | { kind: "sync-done"; vcpu: number; seq: number; tag: number }
  | { kind: "async-done"; tag: number };

export function simulateNew(config: SimConfig): SimRun {
  const core = new SimCore<NewEvent>(config, (vcpu, generation) => ({ kind: "trap", vcpu, generation }));
  const vcpus = config.vcpus;
  const slotRegion = SyncSlotRegion.create(vcpus);
  const xen = new SyncSlotsXen(slotRegion);
  const agent = new SyncSlotsConsumer(slotRegion);
  const ring = AsyncRingRegion.create(config.pages, config.policy);
  const producer = new AsyncRingProducer(ring, config.policy);
  const reader = new AsyncRingConsumer(ring, config.policy);
  /** Ports 0..vcpus−1: one per vCPU's sync slot; port `vcpus`: the async ring. */
  const toAgent = EventChannelSet.create(vcpus + 1);
  const asyncPort = vcpus;
  const toXen = EventChannelSet.create(vcpus);
  const request = core.newEntry();
  const inService = core.newEntry();
  const response = core.newEntry();
  const xenCopy = core.newEntry();
  const syncQueue: number[] = [];
  const scheduler = new AgentScheduler(config.agentPolicy);
  const consumer = new ConsumerWake(() => core.queue.push(core.now, { kind: "consumer-wake" }));
  let notifications = 0;
  let asyncInService = -1;

  const send = (port: number) => {
    toAgent.send(port);
    notifications++;
    consumer.notify();
  };

  const startNext = () => {
    toAgent.forEachPending((port) => { if (port !== asyncPort) syncQueue.push(port); });
    for (;;) {
      const pick = scheduler.choose(syncQueue.length > 0, reader.available());
      if (pick === "sync") {
        const vcpu = syncQueue.shift()!;
        const seq = agent.takeRequest(vcpu, inService);
        if (seq === 0) continue; // spurious notification
        scheduler.served("sync");
        consumer.busy = true;
        core.queue.push(core.now + core.serviceTime(), { kind: "sync-done", vcpu, seq, tag: readTag(inService) });
        return;
      }
      // The async entry is copied out (and its slot released) before it is processed.
      if (pick === "async" && reader.read(inService) >= 0) {
        scheduler.served("async");
        consumer.busy = true;
        asyncInService = readTag(inService);
        core.queue.push(core.now + core.serviceTime(), { kind: "async-done", tag: asyncInService });
        return;
      }
      // Idle, or the ring held only LOST records: serve a waiting sync event if there is one.
      if (pick === "async" && syncQueue.length > 0) continue;
      break;
    }
    consumer.busy = false;
    if (reader.finalCheck()) startNext();
  };

  /** Xen's handler for vCPU `vcpu`'s port: take the response, unpause the vCPU. */
  const xenNotified = (vcpu: number, tag: number) => {
    if (!toXen.takePending(vcpu)) return;
    if (xen.takeResponse(vcpu, xenCopy) !== "ok") return;
    core.complete(tag);
    core.move("sync_paused", "running");
    core.scheduleTrap(vcpu);
  };

  /** At the end: the async event in service, then every one still readable in the ring. */
  function* waitingAsyncTags(): Iterable<number> {
    if (asyncInService >= 0) yield asyncInService;
    while (reader.read(inService) >= 0) yield readTag(inService);
  }

  core.run((e) => {
    switch (e.kind) {
      case "trap": {
        if (!core.isCurrent(e.vcpu, e.generation)) return;
        const trap = core.raise(e.vcpu, request);
        if (trap.sync) {
          // The vCPU is paused before its request is published; its slot is always IDLE here.
          core.move("running", "sync_paused");
          core.cancelTrap(e.vcpu);
          xen.submit(e.vcpu, request);
          send(e.vcpu);
          return;
        }
        if (producer.write(request) && (config.notify === "event" || producer.shouldNotify())) send(asyncPort);
        core.scheduleTrap(e.vcpu);
        return;
      }
      // Deliberately alike in shape to legacy-sim.ts's wake and service-done cases: the same wake-up, then each design's own ring rules.
      case "consumer-wake":
        consumer.woken(startNext);
        return;
      case "sync-done":
        answer(inService, response);
        agent.respond(e.vcpu, e.seq, response);
        toXen.send(e.vcpu);
        xenNotified(e.vcpu, e.tag);
        startNext();
        return;
      case "async-done":
        asyncInService = -1;
        core.complete(e.tag);
        startNext();
        return;
    }
  });

  // Entries the consumer has not reached yet: readable ones stay in the ring; under
  // overwrite, anything beyond one ring's worth is already gone (it would count them next).
  const { events: inRing, overwrittenUnseen } = reader.backlog();
  const dropped = ring.dropped();
  const overwritten = ring.overwritten() + overwrittenUnseen;
  const consumed = reader.counters.consumed;
  core.censorWaiting(waitingAsyncTags());
  const { p50, p99 } = core.latency.summary();
  const seconds = config.durationMs / 1000;
  return {
    design: "new",
    vcpus,
    pages: config.pages,
    policy: config.policy,
    events: core.traps.length,
    throughput: core.handled / seconds,
    latency_p50_us: p50,
    latency_p99_us: p99,
    waitqueue_entries: 0,
    max_slots_one_vcpu_at_waitqueue: 0,
    blackeye_pauses: 0,
    livepatch_blocked_fraction: 0,
    lost: dropped + overwritten,
    slots: ring.geometry.nrSlots,
    sync_events: core.syncEvents,
    async_events: core.asyncEvents,
    handled: core.handled,
    sync_handled: core.syncHandled,
    blackeye_per_async: 0,
    vcpu_time: core.clock.fractions(),
    dropped,
    overwritten,
    async_in_ring: inRing,
    async_consumed: consumed,
    notifications,
    seed: config.seed,
    duration_ms: config.durationMs,
    sync_rate_hz: config.syncRateHz,
    async_rate_hz: config.asyncRateHz,
    service_us: config.serviceUs,
    ...core.deliveryReport(config.agentPolicy, dropped + overwritten),
  };
}
