/**
 * The vCPU counts at which the legacy ring starts to hurt (docs/notes/vm_event.md §3.7),
 * found by driving the real legacy model, not by formula:
 *  - black eye: the smallest max_vcpus at which an async event put into an *empty* ring
 *    (the best case) already pauses its vCPU; from there on every async event does.
 *  - waitqueue: the smallest max_vcpus at which vCPUs that each trap once, synchronously,
 *    with no response yet, park a vCPU on the waitqueue.
 * Both are computed for the ring Xen builds (power-of-two slots) and for the counterfactual
 * without rounding, which is where the "11 vCPUs" of the technical-debt notes comes from.
 */
import { InvalidArgumentError } from "../errors.js";
import { REQUEST_BYTES, VM_EVENT_REASON } from "./abi.js";
import { LegacyVmEvent } from "./legacy.js";
import { rawSlots, ringSlots, type SlotRounding } from "./ring-layout.js";
import { FrontRing, SharedRingRegion } from "./shared-ring.js";

/** Probing stops here: the u8 reservation counters cap Xen's model anyway. */
const PROBE_LIMIT = 255;

function legacyModel(slots: number, vcpus: number): LegacyVmEvent {
  return new LegacyVmEvent(vcpus, new FrontRing(SharedRingRegion.create(slots, REQUEST_BYTES)));
}

/** Smallest max_vcpus at which one async event into an empty ring gets a black eye. */
export function blackEyeThreshold(slots: number): number {
  for (let vcpus = 1; vcpus <= PROBE_LIMIT; vcpus++) {
    const model = legacyModel(slots, vcpus);
    const outcome = model.monitorTraps(0, false, VM_EVENT_REASON.MEM_ACCESS);
    if (outcome.kind === "put" && outcome.blackEye) return vcpus;
  }
  throw new InvalidArgumentError("slots", `no black eye up to ${PROBE_LIMIT} vCPUs with ${slots} slots`);
}

/** Smallest max_vcpus at which every vCPU raising one sync event (unanswered) puts one on the waitqueue. */
export function waitqueueThreshold(slots: number): number {
  for (let vcpus = 1; vcpus <= PROBE_LIMIT; vcpus++) {
    const model = legacyModel(slots, vcpus);
    for (let v = 0; v < vcpus; v++) model.monitorTraps(v, true, VM_EVENT_REASON.SOFTWARE_BREAKPOINT);
    if (model.counters.waitqueueEntries > 0) return vcpus;
  }
  throw new InvalidArgumentError("slots", `no waitqueue use up to ${PROBE_LIMIT} vCPUs with ${slots} slots`);
}

export interface ThresholdRow {
  rounding: SlotRounding;
  pages: number;
  entryBytes: number;
  rawSlots: number;
  slots: number;
  blackEyeFromVcpus: number;
  waitqueueFromVcpus: number;
}

/** Both thresholds for a ring of `pages` pages of `entryBytes` entries, with and without rounding. */
export function thresholds(pages = 1, entryBytes = REQUEST_BYTES): ThresholdRow[] {
  return (["pow2", "none"] as const).map((rounding) => {
    const slots = ringSlots(pages, entryBytes, rounding);
    return {
      rounding, pages, entryBytes,
      rawSlots: rawSlots(pages, entryBytes),
      slots,
      blackEyeFromVcpus: blackEyeThreshold(slots),
      waitqueueFromVcpus: waitqueueThreshold(slots),
    };
  });
}
