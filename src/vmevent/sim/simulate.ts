/** One entry point for both designs, and the sweep over vCPU counts that the charts draw. */
import type { AgentPolicy } from "./agent-policy.js";
import { SIM_DEFAULTS, type Design, type SimConfig, type SimRun } from "./config.js";
import { simulateLegacy } from "./legacy-sim.js";
import { simulateNew } from "./new-sim.js";
import { checkSweep, resolveSimConfig, type SimInput } from "./resolve-config.js";

/** Runs one simulation; absent settings take SIM_DEFAULTS, bad ones throw InvalidArgumentError. */
export function simulate(input: SimInput): SimRun {
  const config = resolveSimConfig(input);
  return config.design === "legacy" ? simulateLegacy(config) : simulateNew(config);
}

/**
 * Every (design, agent policy, vCPU count), designs outermost, each with the same seed. The
 * legacy ring is served in FIFO order whatever the policy, so it runs once. `onProgress`
 * is told after each run (long sweeps take tens of seconds).
 */
export function sweep(designs: readonly Design[], vcpuList: readonly number[], base: Partial<SimConfig> = {}, agentPolicies?: readonly AgentPolicy[],
  onProgress?: (runsDone: number, runs: number) => void): SimRun[] {
  checkSweep(designs, vcpuList, agentPolicies);
  const policies = agentPolicies ?? [base?.agentPolicy ?? SIM_DEFAULTS.agentPolicy];
  const configs: SimConfig[] = [];
  for (const design of designs)
    for (const agentPolicy of design === "legacy" ? policies.slice(0, 1) : policies)
      for (const vcpus of vcpuList) configs.push({ ...SIM_DEFAULTS, ...base, agentPolicy, design, vcpus });
  return configs.map((config, i) => {
    const run = simulate(config);
    onProgress?.(i + 1, configs.length);
    return run;
  });
}
