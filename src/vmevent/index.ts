/**
 * vm_event rings, public surface (runtime-neutral: nothing here imports Node). The Node
 * worker_threads host of the roles is separate: `startNodeRoles` in xenmm/node.
 */
export * from "./abi.js";
export { RingCorruptionError, IllegalTransitionError } from "./errors.js";
export { SRING_FIELD, SRING_HEADER_BYTES, floorPow2, rawSlots, ringSlots, ringBytes, type SlotRounding } from "./ring-layout.js";
export { SharedRingRegion, FrontRing, BackRing, crossedEvent } from "./shared-ring.js";
export { newEntry, readHeader, writeHeader, readTag, writeTag, answer, type RequestHeader } from "./request.js";
export { LegacyVmEvent, FOREIGN, type LegacyHooks, type LegacyVcpuState, type LegacyCounters, type TrapOutcome } from "./legacy.js";
export {
  SyncSlotRegion, SyncSlotsXen, SyncSlotsConsumer, SlotState, SLOT_FIELD, SLOT_TRANSITIONS, SYNC_SLOT_BYTES,
  checkTransition, syncSlotPages, type SlotActor,
} from "./sync-slots.js";
export {
  AsyncRingRegion, asyncRingGeometry, ASYNC_HEADER_FIELD, ASYNC_HEADER_BYTES,
  ASYNC_SLOT_FIELD, MIN_ASYNC_PAGES, MAX_ASYNC_PAGES, LOSS_POLICIES, RecordKind, slotStamp, packInfo, infoKind, infoAux, MAX_AUX, type LossPolicy, type AsyncRingGeometry,
} from "./async-ring.js";
export { AsyncRingProducer, type AsyncProducerCounters } from "./async-producer.js";
export { AsyncRingConsumer, type AsyncConsumerCounters, type AsyncConsumerOptions } from "./async-consumer.js";
export { EventChannelSet, BLOCKING, SPIN_THEN_BLOCK, type WaitStrategy } from "./event-channel.js";
export { thresholds, blackEyeThreshold, waitqueueThreshold, type ThresholdRow } from "./thresholds.js";
export { slotTables, type SlotTables } from "./slot-table.js";
export { simulate, sweep } from "./sim/simulate.js";
export { SIM_LIMITS, MAX_OFFERED_EVENTS, type SimInput } from "./sim/resolve-config.js";
export { SIM_DEFAULTS, DEFAULT_VCPU_LIST, type SimConfig, type SimRun, type Design, type VcpuTime } from "./sim/config.js";
export { sweepCharts, sweepHtml, runTable } from "./sweep-report.js";
export { AgentScheduler, parseAgentPolicy, AGENT_POLICY_NAMES, type AgentPolicy } from "./sim/agent-policy.js";
export { SCENARIOS, SCENARIO_NAMES, scenario, type Scenario, type ScenarioName } from "./sim/scenarios.js";
export { onsets, staticOnsets, onsetReport, EFFECTS, type Onsets, type Effect } from "./onsets.js";
export { lossLimits, lossLimitReport, DEFAULT_LOSS_TARGET, type LossLimit } from "./loss-limits.js";
export { sizeAsyncRing, ringSizes, sizeTable, sizeChart, type SizeAnswer, type SizeCandidate, type SizingLoad } from "./sizing.js";
export { runHazards, hazardTable, hazardHtml, type HazardRow, type HazardReport, type HazardName, type StartRoles } from "./hazards/hazards.js";
export { GuestP2m, type P2mResult } from "./hazards/guest-p2m.js";
export { roleGroup, type RoleGroup } from "./workers/role-group.js";
export { runRole, type RoleSpec, type RoleResult, type ThreadPlacement } from "./workers/roles.js";
export { newControl, CONTROL, CONTROL_WORDS } from "./workers/control.js";
