/**
 * Where each legacy effect starts, as seen in simulation runs, beside the static answer of
 * `ring slots` (thresholds.ts) for the same ring, and why the two differ (issue 12 §1).
 *
 * The static probes are best cases: one async event into an *empty* ring (black eye), and
 * every vCPU holding one unanswered sync event (waitqueue). Under load the ring also holds
 * async requests whose responses are still pending, so the simulated onsets come earlier.
 */
import type { Design, SimRun } from "./sim/config.js";
import { thresholds } from "./thresholds.js";

export interface Onsets {
  black_eye: number | null;
  waitqueue: number | null;
  livepatch_refused: number | null;
}
export type Effect = keyof Onsets;
export const EFFECTS: readonly Effect[] = ["black_eye", "waitqueue", "livepatch_refused"];

const seen: Record<Effect, (r: SimRun) => boolean> = {
  black_eye: (r) => r.blackeye_pauses > 0,
  waitqueue: (r) => r.waitqueue_entries > 0,
  livepatch_refused: (r) => r.livepatch_blocked_fraction > 0,
};

/** Per design present in `runs`: the smallest vCPU count at which each effect was seen (null: never). */
export function onsets(runs: readonly SimRun[]): Partial<Record<Design, Onsets>> {
  const out: Partial<Record<Design, Onsets>> = {};
  for (const r of runs) {
    const o = (out[r.design] ??= { black_eye: null, waitqueue: null, livepatch_refused: null });
    for (const e of EFFECTS) if (seen[e](r) && (o[e] === null || r.vcpus < o[e]!)) o[e] = r.vcpus;
  }
  return out;
}

/** The legacy ring's static answer (`ring slots`, power-of-two rounding as Xen does). */
export function staticOnsets(pages: number): Onsets & { slots: number } {
  const t = thresholds(pages).find((row) => row.rounding === "pow2")!;
  return { slots: t.slots, black_eye: t.blackEyeFromVcpus, waitqueue: t.waitqueueFromVcpus, livepatch_refused: t.waitqueueFromVcpus };
}

const EFFECT_LABEL: Record<Effect, string> = { black_eye: "black eye", waitqueue: "waitqueue", livepatch_refused: "livepatch refused" };
const at = (v: number | null) => (v === null ? "never" : `${v} vCPUs`);

const WHY_EARLIER: Record<Effect, string> = {
  black_eye:
    "a put black-eyes its vCPU when fewer than max_vcpus slots are left after it; `ring slots` puts into an empty ring, " +
    "but under load the ring still holds requests whose responses are pending, so fewer vCPUs suffice",
  waitqueue:
    "`ring slots` gives each vCPU one slot (a sync event, unanswered); under load a vCPU that is not paused keeps the " +
    "async requests it put, and one woken from its black eye traps again before they are answered, so vCPUs can hold " +
    "two slots or more and fewer vCPUs fill the ring",
  livepatch_refused: "a livepatch is refused exactly while a waitqueue is non-empty, so this follows the waitqueue onset",
};

/** The evidence for the waitqueue's "why": what one vCPU held in the run at the onset. */
function heldNote(runs: readonly SimRun[], vcpus: number): string {
  const held = runs.find((r) => r.design === "legacy" && r.vcpus === vcpus)?.max_slots_one_vcpu_at_waitqueue ?? 0;
  return held > 1 ? ` (at ${vcpus} vCPUs one vCPU held ${held} slots when another was parked)` : "";
}

/**
 * Text printed next to a legacy table: the onsets seen, the static answer for the same ring,
 * and, effect by effect, why they differ. `vcpuList` is what was run: an onset between two
 * listed counts shows at the larger one.
 */
export function onsetReport(runs: readonly SimRun[], pages: number, vcpuList: readonly number[]): string {
  const found = onsets(runs);
  const lines = [`Onsets in these runs (smallest vCPU count run at which the effect was seen; counts run: ${vcpuList.join(",")}):`];
  for (const [design, o] of Object.entries(found))
    lines.push(`  ${design.padEnd(6)}  ${EFFECTS.map((e) => `${EFFECT_LABEL[e]} ${at(o[e])}`).join(";  ")}`);
  const legacy = found.legacy;
  if (!legacy) return lines.join("\n");
  const s = staticOnsets(pages);
  lines.push(
    `\`ring slots\` for the same ${s.slots}-slot ring: every async event black-eyes from ${at(s.black_eye)} (even into an empty ring); ` +
    `with one unanswered sync event per vCPU the waitqueue (and a refused livepatch) starts at ${at(s.waitqueue)}.`,
  );
  for (const e of EFFECTS) {
    const sim = legacy[e];
    const stat = s[e]!;
    let why: string;
    if (sim === null) why = `not seen: this load never ran out of ring space that way (static answer ${at(stat)})`;
    else if (sim < stat) why = `${at(sim)} here, ${at(stat)} static: ${WHY_EARLIER[e]}${e === "waitqueue" ? heldNote(runs, sim) : ""}`;
    else if (sim === stat) why = `${at(sim)}, as the static answer says`;
    else why = `${at(sim)} here, ${at(stat)} static: this load did not show it at the smaller counts run (the static case needs every vCPU trapping before any answer)`;
    lines.push(`  ${EFFECT_LABEL[e]}: ${why}.`);
  }
  return lines.join("\n");
}
