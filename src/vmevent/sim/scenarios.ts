/**
 * Named loads for `ring sim|sweep|size --scenario` (issue 12 §1). Each sets the event rates
 * and the agent's service time; flags given explicitly still win. No events-per-second figure
 * for vm_event rings is published (docs/notes/vm_event.md §7), so every rate here is a choice,
 * stated with its reason.
 */
import { UsageError } from "../../errors.js";
import { SIM_DEFAULTS, type SimConfig } from "./config.js";

export type ScenarioName = "default" | "sync-only" | "introspection-typical";
export const SCENARIO_NAMES: readonly ScenarioName[] = ["default", "sync-only", "introspection-typical"];

export interface Scenario {
  name: ScenarioName;
  settings: Pick<SimConfig, "syncRateHz" | "asyncRateHz" | "serviceUs" | "serviceDist">;
  /** One line: what the load is and why these numbers. */
  why: string;
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  default: {
    name: "default",
    settings: { syncRateHz: SIM_DEFAULTS.syncRateHz, asyncRateHz: SIM_DEFAULTS.asyncRateHz, serviceUs: SIM_DEFAULTS.serviceUs, serviceDist: SIM_DEFAULTS.serviceDist },
    why: "sync-heavy overload: 2000 sync + 500 async events/s per running vCPU, 50 µs per event (one agent serves 20 000/s, saturated from ~8 vCPUs)",
  },
  "sync-only": {
    name: "sync-only",
    settings: { syncRateHz: 2500, asyncRateHz: 0, serviceUs: 50, serviceDist: "exp" },
    why: "the notes' worst case (docs/notes/vm_event.md §3.7): every event sync, 2500/s per vCPU (the default's total), 50 µs each; each vCPU holds at most one slot, so the waitqueue starts where `ring slots` says",
  },
  "introspection-typical": {
    name: "introspection-typical",
    settings: { syncRateHz: 100, asyncRateHz: 200, serviceUs: 48, serviceDist: "exp" },
    why: "breakpoint handling at 48 µs mean (exponential; between the 15 µs and 81 µs published, docs/notes/vm_event.md §7); per vCPU 100 breakpoints/s " +
      "and 200 async mem-access events/s (chosen: no rate is published; at 48 µs one agent then keeps up with ~69 vCPUs, so losses come " +
      "from bursts, which ring size can absorb, not from steady overload)",
  },
};

export function scenario(name: string): Scenario {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name))
    throw new UsageError(`--scenario: '${name}' is not one of ${SCENARIO_NAMES.join(", ")}`);
  return SCENARIOS[name as ScenarioName];
}
