/**
 * `xenmm ring`: the vm_event ring models (issue 4).
 *   ring sim    one simulation per (design, vCPU count)
 *   ring sweep  both designs over a range of vCPU counts, with charts (--html)
 *   ring size   the smallest async ring keeping losses under a target (issue 12)
 *   ring slots  slot counts from the ABI sizes, and the legacy thresholds
 *   ring hazards  the GFN-based ring's hazards against the redesign (issue 12)
 *   ring bench  two-worker benchmarks: async ring vs ringbuf.js, sync round trip (ring-bench.ts)
 */
import { UsageError } from "../errors.js";
import { MAX_ASYNC_PAGES, MIN_ASYNC_PAGES, type LossPolicy } from "../vmevent/async-ring.js";
import { DEFAULT_VCPU_LIST, DESIGNS, SIM_DEFAULTS, type Design, type SimConfig, type SimRun } from "../vmevent/sim/config.js";
import { sweep } from "../vmevent/sim/simulate.js";
import { parseAgentPolicy, type AgentPolicy } from "../vmevent/sim/agent-policy.js";
import { scenario, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from "../vmevent/sim/scenarios.js";
import { onsetReport, onsets } from "../vmevent/onsets.js";
import { DEFAULT_LOSS_TARGET, lossLimitReport, lossLimits } from "../vmevent/loss-limits.js";
import { sizeAsyncRing, sizeChart, sizeHtmlSections, sizeTable } from "../vmevent/sizing.js";
import { hazardTable, runHazards } from "../vmevent/hazards/hazards.js";
import { htmlPage } from "../report/html.js";
import { escapeXml } from "../report/svg.js";
import { slotTables } from "../vmevent/slot-table.js";
import { runTable, sweepCharts, sweepHtml, THRESHOLD_HEADER, thresholdRow } from "../vmevent/sweep-report.js";
import { thresholds } from "../vmevent/thresholds.js";
import { textTable } from "../report/table.js";
import { choiceFlag, dispatch, intFlag, intListFlag, numberFlag, parseCommand, stringFlags } from "./args.js";
import { writeOutputFile } from "./output-file.js";
import type { Verb } from "./verb.js";
import { startProgress } from "./progress.js";

const SIM_OPTIONS = {
  ...stringFlags("design", "vcpus", "pages", "policy", "sync-rate", "async-rate", "service-us", "service-dist", "notify",
    "agent-policy", "scenario", "duration-ms", "seed"),
  json: { type: "boolean" },
} as const;

const SIM_FLAGS = `  --design legacy|new|both   which design (default both)
  --vcpus LIST               vCPU counts, e.g. 1,8,9,64 (default ${DEFAULT_VCPU_LIST.join(",")})
  --pages N                  ring pages: legacy ring (multi-page, §5.1) / new async ring (1..128, default 1)
  --policy drop|overwrite    new design: async ring loss policy (default ${SIM_DEFAULTS.policy})
  --sync-rate HZ             sync events per second of running time, per vCPU (default ${SIM_DEFAULTS.syncRateHz})
  --async-rate HZ            async events per second of running time, per vCPU (default ${SIM_DEFAULTS.asyncRateHz})
  --service-us US            mean consumer service time per event (default ${SIM_DEFAULTS.serviceUs})
  --service-dist exp|fixed   service-time distribution (default ${SIM_DEFAULTS.serviceDist})
  --notify event|batch       consumer notifies Xen per event or per drained batch (default ${SIM_DEFAULTS.notify})
  --agent-policy LIST        new design: how the agent picks sync vs async, e.g. sync-first,round-robin,batch:8
                             (batch:N drains the async ring after every N sync events; default ${SIM_DEFAULTS.agentPolicy})
  --scenario NAME            a named load; rate and service flags given as well win:
${SCENARIO_NAMES.map((n) => `                             ${n}: ${SCENARIOS[n].why}`).join("\n")}
  --duration-ms MS           simulated time (default ${SIM_DEFAULTS.durationMs})
  --seed S                   random seed (default ${SIM_DEFAULTS.seed}); same seed, same result`;

const USAGE = {
  ring: `usage: xenmm ring sim|sweep|size|slots|hazards|bench [options]   (xenmm ring SUB --help)
  sim      simulate the legacy ring and/or the redesign for a list of vCPU counts
  sweep    both designs over vCPU counts; --html FILE draws the curves
  size     the smallest async ring (pages) keeping losses under a target, per vCPU count
  slots    ring slot counts per ABI version and page count, and the legacy thresholds
  hazards  the GFN-based ring's hazards (scribble, balloon, superpage), legacy vs redesign
  bench    benchmarks between two worker threads (async ring vs ringbuf.js, sync round trip)`,
  sim: `usage: xenmm ring sim [options] [--json]\n${SIM_FLAGS}\n  --json                     print {"runs": [...], "onsets": {...}, "loss_limits": [...]}`,
  sweep: `usage: xenmm ring sweep [options] [--html FILE] [--svg-dir DIR] [--json]\n${SIM_FLAGS.replace(`(default ${DEFAULT_VCPU_LIST.join(",")})`, "(default 1,2,4,6,7,8,9,10,11,12,16,24,32,48,64)")}
  --html FILE                write an HTML page with the charts
  --svg-dir DIR              also write each chart as DIR/ring-<name>.svg
  --json                     print {"runs": [...], "onsets": {...}, "loss_limits": [...]}`,
  size: `usage: xenmm ring size [options] [--target F] [--html FILE] [--svg FILE] [--json]
  the smallest async ring (pages) of the redesign that keeps async losses under a target
${SIM_FLAGS.replace(/^  --design.*\n/m, "").replace(/^  --pages.*\n/m, "").replace(`(default ${DEFAULT_VCPU_LIST.join(",")})`, "(default 8,16,64)")}
  --target F                 largest acceptable share of async events lost (default ${DEFAULT_LOSS_TARGET})
  --html FILE                write the losses by ring size as a chart, with the table
  --svg FILE                 write only the chart
  --json                     print {"target_loss_fraction", "scenario", "load", "sizes": [{vcpus, pages, slots, ...}]}`,
  hazards: `usage: xenmm ring hazards [--events N] [--seed S] [--json]
  the GFN-based ring's hazards (scribbling guest, balloon driver, superpage split), legacy vs redesign;
  the hostile guest runs in its own worker thread
  --events N  events moved while the guest scribbles (default 20000)
  --seed S    the scribbler's random seed (default 1)
  --json      print {"scenarios": [{name, design, outcome, agent_connected, out_of_bounds_accesses, events_lost, superpages_split}]}`,
  slots: `usage: xenmm ring slots [--pages N] [--json]
  --pages N   ring pages for the ABI table and the thresholds (default 1)
  --json      print the tables as JSON`,
  bench: `usage: xenmm ring bench [--quick] [--json FILE]
  --quick      short runs (smoke test)
  --json FILE  where to write the results (default out/bench-ring.json)`,
};

const SWEEP_VCPUS = [1, 2, 4, 6, 7, 8, 9, 10, 11, 12, 16, 24, 32, 48, 64];

type SimValues = ReturnType<typeof parseCommand<typeof SIM_OPTIONS>>["values"];

interface SimSettings {
  designs: Design[];
  vcpus: number[];
  agentPolicies: AgentPolicy[];
  base: Omit<SimConfig, "design" | "vcpus">;
  scenario: ScenarioName;
}

function simSettings(values: SimValues, defaultVcpus: number[]): SimSettings {
  const design = choiceFlag("design", values.design, "both", [...DESIGNS, "both"] as const);
  const preset = scenario(values.scenario ?? "default");
  const load = preset.settings;
  const agentPolicies = (values["agent-policy"] ?? SIM_DEFAULTS.agentPolicy).split(",").map((p) => parseAgentPolicy(p));
  return {
    designs: design === "both" ? [...DESIGNS] : [design],
    vcpus: intListFlag("vcpus", values.vcpus, defaultVcpus, 1, 4096),
    agentPolicies,
    scenario: preset.name,
    base: {
      pages: intFlag("pages", values.pages, SIM_DEFAULTS.pages, MIN_ASYNC_PAGES, MAX_ASYNC_PAGES),
      policy: choiceFlag<LossPolicy>("policy", values.policy, SIM_DEFAULTS.policy, ["drop", "overwrite"]),
      syncRateHz: numberFlag("sync-rate", values["sync-rate"], load.syncRateHz, 0, 1e7),
      asyncRateHz: numberFlag("async-rate", values["async-rate"], load.asyncRateHz, 0, 1e7),
      serviceUs: numberFlag("service-us", values["service-us"], load.serviceUs, 0, 1e7),
      serviceDist: choiceFlag("service-dist", values["service-dist"], load.serviceDist, ["exp", "fixed"]),
      notify: choiceFlag("notify", values.notify, SIM_DEFAULTS.notify, ["event", "batch"]),
      agentPolicy: agentPolicies[0],
      durationMs: numberFlag("duration-ms", values["duration-ms"], SIM_DEFAULTS.durationMs, 1, 3.6e6),
      seed: intFlag("seed", values.seed, SIM_DEFAULTS.seed, 0, 0xffffffff),
    },
  };
}

function describe(s: SimSettings): string {
  const b = s.base;
  return `scenario ${s.scenario}; per vCPU: ${b.syncRateHz} sync/s + ${b.asyncRateHz} async/s of running time; consumer ${b.serviceUs} µs/event (${b.serviceDist}); ` +
    `notify per ${b.notify}; ${b.pages} page(s); async policy ${b.policy}; agent ${s.agentPolicies.join(",")}; ${b.durationMs} ms simulated; seed ${b.seed}`;
}

/** The table and, next to it, the onsets against `ring slots` and where losses stay under 1 %. */
function simText(s: SimSettings, runs: SimRun[]): string {
  return [describe(s), runTable(runs), onsetReport(runs, s.base.pages, s.vcpus), lossLimitReport(lossLimits(runs))].join("\n\n");
}

function simJson(runs: SimRun[]): string {
  return JSON.stringify({ runs, onsets: onsets(runs), loss_limits: lossLimits(runs) }, null, 2);
}

/** The runs of `s`, with progress on stderr for long ones (`--duration-ms 30000` takes seconds). */
function sweepWithProgress(task: string, s: SimSettings): SimRun[] {
  const progress = startProgress(task);
  const runs = sweep(s.designs, s.vcpus, s.base, s.agentPolicies, progress.update);
  progress.finish(`${runs.length} runs of ${s.base.durationMs} ms simulated`);
  return runs;
}

async function sim(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, SIM_OPTIONS, USAGE.sim, 0);
  const s = simSettings(values, DEFAULT_VCPU_LIST);
  const runs = sweepWithProgress("ring sim", s);
  return print(values.json ? simJson(runs) : simText(s, runs));
}

async function sweepVerb(argv: string[]): Promise<number> {
  const options = { ...SIM_OPTIONS, html: { type: "string" }, "svg-dir": { type: "string" } } as const;
  const { values } = parseCommand(argv, options, USAGE.sweep, 0);
  const s = simSettings(values, SWEEP_VCPUS);
  const runs = sweepWithProgress("ring sweep", s);
  if (values.html) {
    const notes = [onsetReport(runs, s.base.pages, s.vcpus), lossLimitReport(lossLimits(runs))];
    writeOutputFile(values.html, sweepHtml(runs, thresholds(s.base.pages), describe(s), notes));
    console.error(`wrote ${values.html}`);
  }
  if (values["svg-dir"]) {
    const charts = Object.entries(sweepCharts(runs));
    for (const [name, svg] of charts) writeOutputFile(`${values["svg-dir"]}/ring-${name}.svg`, svg);
    console.error(`wrote ${charts.length} charts to ${values["svg-dir"]}`);
  }
  return print(values.json ? simJson(runs) : simText(s, runs));
}

async function size(argv: string[]): Promise<number> {
  const options = { ...SIM_OPTIONS, target: { type: "string" }, html: { type: "string" }, svg: { type: "string" } } as const;
  const { values } = parseCommand(argv, options, USAGE.size, 0);
  if (values.design !== undefined || values.pages !== undefined) throw new UsageError(`ring size answers with the new design's --pages: leave out --design and --pages\n${USAGE.size}`);
  const s = simSettings(values, [8, 16, 64]);
  const target = numberFlag("target", values.target, DEFAULT_LOSS_TARGET, 1e-6, 1);
  const { pages: _pages, ...load } = s.base;
  const answers = s.vcpus.map((v) => sizeAsyncRing(load, v, target));
  if (values.html) {
    writeOutputFile(values.html, htmlPage("vm_event async ring sizing", [`<p class="mono">${escapeXml(describe(s))}; target: lose under ${target * 100} %</p>`, ...sizeHtmlSections(answers)]));
    console.error(`wrote ${values.html}`);
  }
  if (values.svg) {
    writeOutputFile(values.svg, sizeChart(answers));
    console.error(`wrote ${values.svg}`);
  }
  if (values.json) return print(JSON.stringify({ target_loss_fraction: target, scenario: s.scenario, load, sizes: answers }, null, 2));
  return print(`${describe(s)}\nSmallest async ring (pages) that keeps async losses under ${target * 100} %:\n\n${sizeTable(answers)}`);
}

async function hazards(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { events: { type: "string" }, seed: { type: "string" }, json: { type: "boolean" } } as const, USAGE.hazards, 0);
  const events = intFlag("events", values.events, 20_000, 1, 10_000_000);
  const seed = intFlag("seed", values.seed, 1, 0, 0xffffffff);
  const { startNodeRoles } = await import("../node.js");
  const report = await runHazards((specs, members) => startNodeRoles(specs, members), { events, seed });
  return print(values.json ? JSON.stringify(report, null, 2) : hazardTable(report));
}

async function slots(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { pages: { type: "string" }, json: { type: "boolean" } } as const, USAGE.slots, 0);
  const pages = intFlag("pages", values.pages, 1, MIN_ASYNC_PAGES, MAX_ASYNC_PAGES);
  const t = slotTables(pages);
  if (values.json) return print(JSON.stringify(t, null, 2));
  const out = [
    `Legacy ring: ${t.header_bytes}-byte header, then the largest power of two of ${t.request_bytes}-byte entries (ABI v7) that fits.`,
    "",
    `Request size and ring slots per ${pages} page(s), by ABI era:`,
    textTable(["era", "interface", "request B", "raw fit", "slots"], t.abi.map((a) => [a.era, a.interface_version, String(a.request_bytes), String(a.raw_fit), String(a.slots)])),
    "",
    "Slots by page count (legacy multi-page ring; new async ring with 400-byte and 64-byte events):",
    textTable(["pages", "legacy raw", "legacy slots", "async 400 B", "async 64 B"], t.pages.map((p) => [String(p.pages), String(p.legacy_raw), String(p.legacy_slots), String(p.async_slots_400), String(p.async_slots_64)])),
    "",
    `Sync slots (${t.sync_slot_bytes} bytes each, one per vCPU, packed):`,
    textTable(["vcpus", "bytes", "pages"], t.sync_slots.map((s) => [String(s.vcpus), String(s.bytes), String(s.pages)])),
    "",
    "Legacy thresholds, found by driving the legacy model:",
    textTable(THRESHOLD_HEADER, t.thresholds.map(thresholdRow)),
  ];
  return print(out.join("\n"));
}

async function bench(argv: string[]): Promise<number> {
  const { ringBench } = await import("./ring-bench.js");
  return ringBench(argv, USAGE.bench);
}

function print(text: string): number {
  console.log(text);
  return 0;
}

const SUBVERBS: Record<string, (argv: string[]) => Promise<number>> = { sim, sweep: sweepVerb, size, slots, hazards, bench };

export const verb: Verb = {
  summary: "vm_event rings: legacy ring vs sync slots + lossy async ring (sim, sweep, size, slots, hazards, bench)",
  async run(argv) {
    // `ring`, `ring --help` and `ring help` list the sub-verbs; other flags here are unknown.
    return dispatch("ring", argv, { ...SUBVERBS, help: async () => print(USAGE.ring) }, async (flags) => {
      parseCommand(flags, {} as const, USAGE.ring, 0);
      return print(USAGE.ring);
    });
  },
};
