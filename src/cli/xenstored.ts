/**
 * `xenmm xenstored`: run the xenstore server on a unix socket, the release-storm model,
 * the interface report, and the benchmark.
 */
import { UsageError } from "../errors.js";
import { choiceFlag, dispatch, intFlag, numberFlag, parseCommand } from "./args.js";
import { startProgress } from "./progress.js";
import type { StormParams, StormRun } from "../xenstore/release-storm.js";
import { DESIGNS, type Design } from "../xenstore/interfaces.js";

const SIM_DESIGNS = [...DESIGNS, "both", "all"] as const;
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
  xenmm xenstored bench-vs-c [--quick] [--rounds N] [--json FILE]
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
    help: { type: "boolean", short: "h" },
  }, USAGE, 0);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const design = choiceFlag("design", values.design, "new", DESIGNS);
  if (values.interfaces) {
    const { XenstoreServer } = await import("../xenstore/server.js");
    const { runInterfaceDemo } = await import("../xenstore/release-storm.js");
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
  const level = choiceFlag("log-level", values["log-level"], "info", ["error", "warn", "info", "debug"] as const);
  return serve(values.socket, level, design);
}

async function serve(path: string, level: "error" | "warn" | "info" | "debug", design: Design): Promise<number> {
  const { XenstoreServer, LOG_LEVELS } = await import("../xenstore/server.js");
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
    domains: { type: "string" },
    listeners: { type: "string" },
    deaths: { type: "string" },
    design: { type: "string" },
    "query-cost-us": { type: "string" },
    "hop-us": { type: "string" },
    engine: { type: "string" },
    sweep: { type: "boolean" },
    "max-domains": { type: "string" },
    html: { type: "string" },
    svg: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, USAGE, 0);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const storm = await import("../xenstore/release-storm.js");
  // model: the counting model (any N); server: the same deaths through the real server,
  // hypervisor model and WATCHing listener connections (slow beyond a few hundred domains).
  const engine = choiceFlag("engine", values.engine, "model", ["model", "server"] as const);
  const simulateReleaseStorm: (p: StormParams, onProgress?: (done: number, total: number) => void) => StormRun =
    engine === "model" ? storm.simulateReleaseStorm : storm.runServerStorm;
  const queryCostUs = numberFlag("query-cost-us", values["query-cost-us"], 1, 0, 1e6);
  const hopUs = numberFlag("hop-us", values["hop-us"], 10, 0, 1e6);
  const designs = (d: Design | "both" | "all"): readonly Design[] => (d === "all" ? DESIGNS : d === "both" ? ["legacy", "new"] : [d]);
  const sweep = values.sweep || values.html !== undefined || values.svg !== undefined;
  let params: StormParams[];
  if (sweep) {
    const max = intFlag("max-domains", values["max-domains"], 10_000, 1, 100_000);
    const sizes = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000].filter((n) => n <= max);
    if (!sizes.includes(max)) sizes.push(max);
    const design = choiceFlag("design", values.design, "all", SIM_DESIGNS);
    params = sizes.flatMap((n) => designs(design).map((d) => ({ domains: n, listeners: n, deaths: n, design: d, queryCostUs, hopUs })));
  } else {
    for (const k of ["domains", "listeners", "deaths"] as const)
      if (values[k] === undefined) throw new UsageError(`sim: --${k} is required (or --sweep)`);
    const domains = intFlag("domains", values.domains, 0, 0, 1_000_000);
    const listeners = intFlag("listeners", values.listeners, 0, 0, 1_000_000);
    const deaths = intFlag("deaths", values.deaths, 0, 0, domains);
    const design = choiceFlag("design", values.design, "all", SIM_DESIGNS);
    params = designs(design).map((d) => ({ domains, listeners, deaths, design: d, queryCostUs, hopUs }));
  }
  const progress = startProgress("xenstored sim");
  const runs = params.map((p, i) => simulateReleaseStorm(p, (done, total) =>
    progress.update(done, total, `deaths, run ${i + 1}/${params.length} (${p.design}, ${p.domains} domains)`)));
  progress.finish(`${runs.length} run${runs.length === 1 ? "" : "s"} on the ${engine} engine, up to ${Math.max(...params.map((p) => p.domains))} domains`);
  if (sweep) {
    if (values.html !== undefined) await writeSweepHtml(values.html, runs, queryCostUs);
    if (values.svg !== undefined) await writeFileMkdir(values.svg, queriesChart(runs, await import("../report/svg.js")));
  }
  if (values.json) {
    console.log(JSON.stringify({ runs }));
  } else {
    const { textTable } = await import("../report/table.js");
    console.log(textTable(
      ["design", "domains", "listeners", "deaths", "queries", "lock hold ms", "events delivered", "events irrelevant", "delay mean µs", "delay max µs"],
      runs.map((r) => [r.design, r.domains, r.listeners, r.deaths, r.queries, r.lock_hold_ms, r.events_delivered, r.events_irrelevant,
        r.notify_delay_us_mean, r.notify_delay_us_max].map(String)),
    ));
    if (values.html !== undefined) console.log(`chart written to ${values.html}`);
    if (values.svg !== undefined) console.log(`chart written to ${values.svg}`);
  }
  return 0;
}

async function writeSweepHtml(file: string, runs: StormRun[], queryCostUs: number): Promise<void> {
  const { lineChart } = await import("../report/svg.js");
  const { htmlPage, htmlTable } = await import("../report/html.js");
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  const series = (design: string, pick: (r: (typeof runs)[number]) => number) => ({
    name: design, points: runs.filter((r) => r.design === design).map((r) => [r.domains, Math.max(pick(r), 1e-6)] as [number, number]),
  });
  const chart = (title: string, yLabel: string, pick: (r: (typeof runs)[number]) => number) => lineChart({
    title, xLabel: "domains (= listeners = deaths)", yLabel, logX: true, logY: true,
    series: DESIGNS.map((d) => series(d, pick)).filter((s) => s.points.length > 0),
  });
  const page = htmlPage("xenstored release storm: legacy @releaseDomain vs @releaseDomain/<domid> vs toolstack-bound VIRQ", [
    `<p>Every domain dies once; each has one listener. legacy: plain <code>@releaseDomain</code>, every listener re-scans all domains with getinfo under the domctl lock. new: <code>XEN_DOMCTL_get_domain_state</code> changed-domain polling and per-domain <code>@releaseDomain/&lt;domid&gt;</code> watches. toolstack: the toolstack binds VIRQ_DOM_EXC, polls the same stable interface and sends <code>XS_RELEASE</code>. Query cost ${queryCostUs} µs.</p>`,
    chart("domctl queries", "queries", (r) => r.queries),
    chart("domctl lock hold time", "ms", (r) => r.lock_hold_ms),
    chart("watch events delivered", "events", (r) => r.events_delivered),
    chart("mean delay from death to the listener's notification", "µs", (r) => r.notify_delay_us_mean),
    htmlTable(["design", "domains", "listeners", "deaths", "queries", "lock_hold_ms", "events_delivered", "events_irrelevant", "notify_delay_us_mean", "notify_delay_us_max"],
      runs.map((r) => [r.design, r.domains, r.listeners, r.deaths, r.queries, r.lock_hold_ms, r.events_delivered, r.events_irrelevant,
        r.notify_delay_us_mean, r.notify_delay_us_max].map(String))),
  ]);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, page);
}

type StormRuns = StormRun[];

const CHART_NAMES: Readonly<Record<Design, string>> = {
  legacy: "legacy @releaseDomain + getinfo scans",
  new: "new get_domain_state + @releaseDomain/<domid>",
  toolstack: "toolstack binds the VIRQ, XS_RELEASE + @releaseDomain/<domid>",
};

/** The README chart: domctl queries of every design against N, log-log. */
function queriesChart(runs: StormRuns, svg: typeof import("../report/svg.js")): string {
  return svg.lineChart({
    title: "Release storm: domctl queries when every one of N domains dies (N listeners)",
    xLabel: "domains (= listeners = deaths)", yLabel: "queries", logX: true, logY: true,
    series: DESIGNS.map((d) => ({
      name: CHART_NAMES[d],
      points: runs.filter((r) => r.design === d).map((r) => [r.domains, Math.max(r.queries, 1)] as [number, number]),
    })).filter((s) => s.points.length > 0),
  });
}

async function writeFileMkdir(file: string, content: string): Promise<void> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}
