/**
 * A caller's simulation settings → a complete, checked SimConfig: absent fields take
 * SIM_DEFAULTS, every value must be finite and inside the same bounds as the `xenmm ring sim`
 * flags, and the offered load is capped so that one run ends in bounded time and memory
 * (every trap is recorded).
 */
import { InvalidArgumentError } from "../../errors.js";
import { checkOptions, finiteIn, intIn, oneOf } from "../../options.js";
import { LOSS_POLICIES, MAX_ASYNC_PAGES, MIN_ASYNC_PAGES } from "../async-ring.js";
import { describeValue } from "../../u64.js";
import { AGENT_POLICY_NAMES, parseAgentPolicy } from "./agent-policy.js";
import { DESIGNS, SIM_DEFAULTS, type Design, type SimConfig } from "./config.js";

/** What simulate() takes: a design and a vCPU count; everything else defaults. */
export type SimInput = Partial<SimConfig> & Pick<SimConfig, "design" | "vcpus">;

/** Bounds of the numeric settings (the CLI's flag ranges). */
export const SIM_LIMITS = {
  vcpus: [1, 4096], pages: [MIN_ASYNC_PAGES, MAX_ASYNC_PAGES], seed: [0, 0xffffffff],
  syncRateHz: [0, 1e7], asyncRateHz: [0, 1e7], serviceUs: [0, 1e7], durationMs: [1, 3.6e6],
} as const satisfies Record<string, readonly [number, number]>;

/** Events a run may be offered (vCPUs × rates × duration): about 20 s and 1.5 GiB at most. */
export const MAX_OFFERED_EVENTS = 2e7;

const KEYS = ["design", "vcpus", ...Object.keys(SIM_DEFAULTS)];

export function resolveSimConfig(input: SimInput): SimConfig {
  const given = checkOptions("simulate(config)", input, KEYS) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...SIM_DEFAULTS };
  for (const key of KEYS) if (given[key] !== undefined) merged[key] = given[key];
  const int = (k: "vcpus" | "pages" | "seed") => intIn(k, merged[k], SIM_LIMITS[k][0], SIM_LIMITS[k][1]);
  const num = (k: "syncRateHz" | "asyncRateHz" | "serviceUs" | "durationMs") => finiteIn(k, merged[k], SIM_LIMITS[k][0], SIM_LIMITS[k][1]);
  const agentPolicy = merged.agentPolicy;
  if (typeof agentPolicy !== "string") throw new InvalidArgumentError("agentPolicy", `expected one of ${AGENT_POLICY_NAMES.join(", ")}, got ${describeValue(agentPolicy)}`);
  const config: SimConfig = {
    ...(merged as unknown as SimConfig),
    design: oneOf<Design>("design", merged.design, DESIGNS),
    vcpus: int("vcpus"), pages: int("pages"),
    policy: oneOf("policy", merged.policy, LOSS_POLICIES),
    syncRateHz: num("syncRateHz"), asyncRateHz: num("asyncRateHz"), serviceUs: num("serviceUs"),
    serviceDist: oneOf("serviceDist", merged.serviceDist, ["exp", "fixed"]),
    notify: oneOf("notify", merged.notify, ["event", "batch"]),
    agentPolicy: parseAgentPolicy(agentPolicy, "agentPolicy"),
    durationMs: num("durationMs"), seed: int("seed"),
  };
  const offered = config.vcpus * (config.syncRateHz + config.asyncRateHz) * (config.durationMs / 1000);
  if (offered > MAX_OFFERED_EVENTS)
    throw new InvalidArgumentError("simulate(config)", `${config.vcpus} vCPUs at ${config.syncRateHz + config.asyncRateHz} events/s for ${config.durationMs} ms offer ${offered.toExponential(2)} events; one run simulates at most ${MAX_OFFERED_EVENTS.toExponential(0)} (shorten durationMs or lower the rates)`);
  return config;
}

/** sweep()'s lists: known designs, and at most this many vCPU counts. */
export const MAX_SWEEP_POINTS = 1024;

export function checkSweep(designs: readonly Design[], vcpuList: readonly number[], agentPolicies?: readonly unknown[]): void {
  if (!Array.isArray(designs) || designs.length > DESIGNS.length * 4) throw new InvalidArgumentError("sweep(designs)", `expected an array of ${DESIGNS.join(", ")}`);
  designs.forEach((d, i) => oneOf(`sweep(designs[${i}])`, d, DESIGNS));
  if (!Array.isArray(vcpuList) || vcpuList.length > MAX_SWEEP_POINTS)
    throw new InvalidArgumentError("sweep(vcpuList)", `expected an array of at most ${MAX_SWEEP_POINTS} vCPU counts`);
  if (agentPolicies !== undefined && (!Array.isArray(agentPolicies) || agentPolicies.length > 16))
    throw new InvalidArgumentError("sweep(agentPolicies)", `expected an array of at most 16 of ${AGENT_POLICY_NAMES.join(", ")}`);
}
