/** One entry point for both designs, and the sweep over vCPU counts that the charts draw. */
import { SIM_DEFAULTS, type Design, type SimConfig, type SimRun } from "./config.js";
import { simulateLegacy } from "./legacy-sim.js";
import { simulateNew } from "./new-sim.js";

export function simulate(config: SimConfig): SimRun {
  if (!Number.isInteger(config.vcpus) || config.vcpus < 1) throw new RangeError(`vcpus must be ≥ 1, got ${config.vcpus}`);
  return config.design === "legacy" ? simulateLegacy(config) : simulateNew(config);
}

/** Every (design, vCPU count) pair, designs outermost, each with the same seed. */
export function sweep(designs: readonly Design[], vcpuList: readonly number[], base: Partial<SimConfig> = {}): SimRun[] {
  const runs: SimRun[] = [];
  for (const design of designs)
    for (const vcpus of vcpuList) runs.push(simulate({ ...SIM_DEFAULTS, ...base, design, vcpus }));
  return runs;
}
