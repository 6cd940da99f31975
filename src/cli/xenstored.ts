/**
 * `xenmm xenstored`: run the xenstore server on a unix socket, the release-storm model,
 * the interface report, and the benchmark.
 */
import { UsageError } from "../errors.js";
import { choiceFlag, dispatch, intFlag, numberFlag, parseCommand, stringFlags } from "./args.js";
import { startProgress } from "./progress.js";
import type { StormParams, StormRun } from "../xenstore/release-storm.js";
import { DESIGNS, type Design } from "../xenstore/interfaces.js";
import { LOG_LEVELS, type LogLevel } from "../xenstore/log-levels.js";
import { writeOutputFile } from "./output-file.js";
import type { Verb } from "./verb.js";

const USAGE = `usage:
  xenmm xenstored --socket PATH [--log-level error|warn|info|debug] [--design legacy|new|toolstack]
      serve Xen's clients (XENSTORED_PATH=PATH xenstore-read …) until SIGINT/SIGTERM
  xenmm xenstored ctl --socket PATH create|shutdown|destroy DOMID | list
      create, shut down and destroy domains of the running server's hypervisor model
  xenmm xenstored sim --domains N --listeners M --deaths K [--design legacy|new|toolstack|both|all]
      [--query-cost-us U] [--hop-us H] [--engine model|server] [--json]
      the @releaseDomain release-storm model (default: all three designs)
  xenmm xenstored sim --sweep [--max-domains N] [--html FILE] [--svg FILE] [--json]
      every design for N = 10 … 10,000 (listeners = deaths = N), with a chart
  xenmm xenstored --interfaces [--design legacy|new|toolstack]
      which interfaces each design needs, in which component, with which privilege
  xenmm xenstored soak [--quick] [--seconds S] [--json FILE]
      hostile guests and clients for a bounded time: events dropped, peak RSS
      (default out/bench-xenstore-soak.json)
  xenmm xenstored bench [--quick] [--json FILE]
      request latency/throughput over the unix socket (default out/bench-xenstore.json)
  xenmm xenstored bench-vs-c [--quick] [--rounds N] [--cpu N|none] [--json FILE]
      per-request latency against C xenstored 4.17 (test/peers/c-xenstored), alternating
      rounds (default out/bench-xenstore-vs-c.json)`;

export const verb: Verb = {
  summary: "xenstore server for Xen's client tools; @releaseDomain storm model",
  run(argv) {
    return dispatch("xenstored", argv, {
      sim: runSim,
      ctl: async (rest) => (await import("./xenstored-ctl.js")).runCtl(rest),
      soak: async (rest) => (await import("./xenstored-bench.js")).xenstoreSoak(rest, USAGE),
      bench: async (rest) => (await import("./xenstored-bench.js")).xenstoreBench(rest, USAGE),
      "bench-vs-c": async (rest) => (await import("./xenstored-bench.js")).xenstoreBenchVsC(rest, USAGE),
    }, runServer);
  },
};

/** `xenmm xenstored --socket PATH …` and `--interfaces`. */
async function runServer(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    socket: { type: "string" },
    "log-level": { type: "string" },
    design: { type: "string" },
    interfaces: { type: "boolean" },
  }, USAGE, 0);
  const design = choiceFlag("design", values.design, "new", DESIGNS);
  if (values.interfaces) {
    const { XenstoreServer } = await import("../xenstore/server.js");
    const { runInterfaceDemo } = await import("../xenstore/interface-demo.js");
    for (const d of DESIGNS) {
      if (values.design !== undefined && d !== design) continue;
      const server = new XenstoreServer({ design: d });
      runInterfaceDemo(server);
      console.log(server.interfaces.report());
      console.log("");
    }
    return 0;
  }
  if (values.socket === undefined) throw new UsageError("--socket PATH is required (xenmm xenstored --help lists the modes)");
  const level = choiceFlag("log-level", values["log-level"], "info", LOG_LEVELS);
  return serve(values.socket, level, design);
}

async function serve(path: string, level: LogLevel, design: Design): Promise<number> {
  const { XenstoreServer } = await import("../xenstore/server.js");
  const { UnixSocketTransport } = await import("../xenstore/socket-transport.js");
  const { Hypervisor } = await import("../xenstore/hypervisor.js");
  const hypervisor = new Hypervisor();
  const max = LOG_LEVELS.indexOf(level);
  const server = new XenstoreServer({
    design,
    hypervisor, // driven by `xenmm xenstored ctl` (CONTROL domain …)
    logLevel: level,
    log: (l, text) => {
      if (LOG_LEVELS.indexOf(l) <= max) process.stderr.write(`xenstored: ${l}: ${text}\n`);
    },
  });
  if (design === "toolstack") new (await import("../xenstore/toolstack.js")).Toolstack(server, hypervisor);
  const transport = new UnixSocketTransport(server, path);
  await transport.listen();
  process.stderr.write(`xenstored: listening on ${path} (XENSTORED_PATH=${path} xenstore-ls)\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`xenstored: ${sig}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await transport.close();
  return 0;
}

/** `xenmm xenstored sim …`: one run per design, or the sweep with a chart. */
async function runSim(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...stringFlags("domains", "listeners", "deaths", "design", "query-cost-us", "hop-us", "engine", "max-domains", "html", "svg"),
    sweep: { type: "boolean" },
    json: { type: "boolean" },
  }, USAGE, 0);
  const { DEFAULT_HOP_US, DEFAULT_QUERY_COST_US, simulateReleaseStorm } = await import("../xenstore/release-storm.js");
  const report = await import("../xenstore/storm-report.js");
  const { STORM_LIMITS } = report;
  // model: the counting model (any N); server: the same deaths through the real server,
  // hypervisor model and WATCHing listener connections (slow beyond a few hundred domains).
  const engine = choiceFlag("engine", values.engine, "model", ["model", "server"] as const);
  const runStorm: (p: StormParams, onProgress?: (done: number, total: number) => void) => StormRun =
    engine === "model" ? simulateReleaseStorm : (await import("../xenstore/storm-replay.js")).runServerStorm;
  const queryCostUs = numberFlag("query-cost-us", values["query-cost-us"], DEFAULT_QUERY_COST_US, 0, STORM_LIMITS.costUs);
  const hopUs = numberFlag("hop-us", values["hop-us"], DEFAULT_HOP_US, 0, STORM_LIMITS.costUs);
  const designs = report.designsOf(choiceFlag("design", values.design, "all", report.DESIGN_CHOICES));
  const sweep = values.sweep || values.html !== undefined || values.svg !== undefined;
  let params: StormParams[];
  if (sweep) {
    const max = intFlag("max-domains", values["max-domains"], 10_000, 1, STORM_LIMITS.sweepDomains);
    params = report.sweepSizes(max).flatMap((n) => designs.map((d) => ({ domains: n, listeners: n, deaths: n, design: d, queryCostUs, hopUs })));
  } else {
    for (const k of ["domains", "listeners", "deaths"] as const)
      if (values[k] === undefined) throw new UsageError(`sim: --${k} is required (or --sweep)`);
    const domains = intFlag("domains", values.domains, 0, 0, STORM_LIMITS.domains);
    const listeners = intFlag("listeners", values.listeners, 0, 0, STORM_LIMITS.listeners);
    const deaths = intFlag("deaths", values.deaths, 0, 0, domains);
    params = designs.map((d) => ({ domains, listeners, deaths, design: d, queryCostUs, hopUs }));
  }
  const progress = startProgress("xenstored sim");
  const runs = params.map((p, i) => runStorm(p, (done, total) =>
    progress.update(done, total, `deaths, run ${i + 1}/${params.length} (${p.design}, ${p.domains} domains)`)));
  progress.finish(`${runs.length} run${runs.length === 1 ? "" : "s"} on the ${engine} engine, up to ${Math.max(...params.map((p) => p.domains))} domains`);
  if (sweep) {
    if (values.html !== undefined) writeOutputFile(values.html, report.sweepPage(runs, queryCostUs));
    if (values.svg !== undefined) writeOutputFile(values.svg, report.queriesChart(runs));
  }
  if (values.json) {
    console.log(JSON.stringify({ runs }));
  } else {
    console.log(report.stormTable(runs));
    if (values.html !== undefined) console.log(`chart written to ${values.html}`);
    if (values.svg !== undefined) console.log(`chart written to ${values.svg}`);
  }
  return 0;
}

