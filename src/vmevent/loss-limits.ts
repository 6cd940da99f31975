/**
 * Where the redesign keeps its async losses under a target, per agent policy and ring
 * (issue 12 §2, "starvation"): the largest vCPU count of a sweep up to which every run
 * lost less than the target share of its async events.
 */
import type { SimRun } from "./sim/config.js";

export const DEFAULT_LOSS_TARGET = 0.01;

export interface LossLimit {
  design: SimRun["design"];
  policy: SimRun["policy"];
  agent_policy: SimRun["agent_policy"];
  slots: number;
  /** Largest vCPU count run up to which every run stayed under the target; null if the first run did not. */
  under_target_up_to: number | null;
  /** Smallest vCPU count run at or above the target; null if none. */
  first_over_target: number | null;
}

export function lossLimits(runs: readonly SimRun[], target = DEFAULT_LOSS_TARGET): LossLimit[] {
  const groups = new Map<string, SimRun[]>();
  for (const r of runs) {
    const key = `${r.design}|${r.policy}|${r.agent_policy}|${r.slots}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const sorted = [...rs].sort((a, b) => a.vcpus - b.vcpus);
    const over = sorted.find((r) => r.async_loss_fraction >= target);
    const under = sorted.filter((r) => !over || r.vcpus < over.vcpus).at(-1);
    const { design, policy, agent_policy, slots } = sorted[0];
    return { design, policy, agent_policy, slots, under_target_up_to: under?.vcpus ?? null, first_over_target: over?.vcpus ?? null };
  });
}

export function lossLimitReport(limits: readonly LossLimit[], target = DEFAULT_LOSS_TARGET): string {
  const pctTarget = `${+(target * 100).toFixed(3)} %`;
  return [`Async losses under ${pctTarget}, by design and agent policy:`, ...limits.map((l) => {
    const who = l.design === "legacy" ? `legacy ${l.slots}-slot ring (never loses; it blocks)` : `new, ${l.policy} ${l.slots} slots, agent ${l.agent_policy}`;
    const upTo = l.under_target_up_to === null ? "not even at the smallest count run" : `up to ${l.under_target_up_to} vCPUs`;
    const over = l.first_over_target === null ? "" : ` (≥ ${pctTarget} from ${l.first_over_target})`;
    return `  ${who}: ${upTo}${over}`;
  })].join("\n");
}
