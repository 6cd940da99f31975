/**
 * `xenmm bench [--quick] [--no-native] [--json FILE] [--html FILE] [--items N] [--threads N]`
 * (also `npm run bench`): PDX schemes against the flat lookup, WASM against JS and against
 * native C (when a compiler is found), in one run on this machine; prints a table and the
 * targets, writes JSON (and HTML).
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runPdxBench, type PdxBenchReport } from "../../bench/pdx.js";
import { buildLine, machineInfo } from "../../bench/machine.js";
import { nodeNativeToolchain } from "../../bench/native-runner.js";
import { runOffsetKernels } from "../../bench/offset-kernels.js";
import { runParseBench, type ParseBenchRow } from "../../bench/parse.js";
import { TIMING } from "../../bench/round-robin.js";
import type { Spread } from "../../bench/stats.js";
import { agreement, BYTES_PER_ITEM, copyCeiling, runConditions, type CopySpeed, PDX_BENCH_DEFAULTS, ratios, targetsTable, workloadSeries } from "../../bench/summary.js";
import { Engine } from "../engine/engine.js";
import { NodeWorkerPool } from "../engine/node-pool.js";
import { htmlPage, htmlTable } from "../report/html.js";
import { barChart, escapeXml } from "../report/svg.js";
import { textTable } from "../report/table.js";
import { UsageError } from "../errors.js";
import { intFlag, parseCommand } from "./args.js";
import { writeOutputFile as write } from "./output-file.js";
import type { Verb } from "./verb.js";
import { startProgress } from "./progress.js";

const USAGE = `usage: xenmm bench [--quick] [--no-native] [--offset-kernels | --parse] [--json FILE] [--html FILE] [--items N] [--threads N] [--compare FILE]
  --quick      short timings and only the 1 GiB frame table (under a minute here)
  --json FILE  results as JSON (default out/bench-pdx.json)
  --html FILE  a self-contained page with a chart per workload
  --items N    PFNs per conversion batch (default 1000000)
  --threads N  worker threads for the multi-thread rows (default 2; 1 disables them)
  --no-native  leave out native C. By default the conversions are also built in C ($CC or
               cc; -O3, and -O3 -march=native) and timed in the same rounds: native-c rows
               and vs_native on the WASM rows; without a compiler both rows are listed
               under skipped with the reason (--native, the former opt-in, is accepted)
  --offset-kernels  instead, time each offset kernel (lanes, lanes-const, select, swizzle,
               the engine's choice) against the flat copy for 1–8 RAM regions (JSON: out/bench-offset-kernels.json)
  --parse      instead, time parseMemoryMap for every map format at 1 KB–100 MB (1 MB with
               --quick): MB/s per size, linear parsing shows as a flat column (JSON:
               out/bench-parse.json)
  --compare FILE  also print how many ratios the README quotes agree within ±10 % with
               an earlier run's JSON (e.g. two consecutive --quick runs), and both runs'
               flat-copy speed
  --verify     run every case once, check its output against the bigint reference, time nothing`;

const num = (x: number | undefined, digits = 2) => (x === undefined ? "" : x.toFixed(digits));
/** A per-round ratio as "median (middle half)". */
const spread = (s: Spread | undefined) => (s === undefined ? "" : `${num(s.median)} (${num(s.low)}–${num(s.high)})`);

function table(report: PdxBenchReport): string {
  const r = ratios(report.results);
  return textTable(["workload", "map", "scheme", "impl", "thr", "ns/op", "Mops/s", "±%", "×none", "vs native-c", "vs best JS"],
    report.results.map((x) => [x.workload, x.map, x.scheme, x.impl, String(x.threads), num(x.ns_per_op, 3), num(x.ops_per_s / 1e6, 1), num(x.rme, 1),
      spread(r.get(x)?.vsNone), spread(r.get(x)?.vsNative), r.get(x)?.vsBestJs === undefined ? "" : `${num(r.get(x)!.vsBestJs, 1)}×`]));
}

function html(report: PdxBenchReport): string {
  const workloads = [...new Set(report.results.map((r) => r.workload))];
  const charts = workloads.map((w) => {
    return `<h2>${escapeXml(w)}</h2>` + barChart({ title: `${w}: ns per item (lower is better, log scale)`, unit: "ns/op", log: true, ...workloadSeries(report.results, w) });
  });
  const m = report.machine;
  const targets = targetsTable(report);
  return htmlPage("xenmm — PDX benchmark", [
    `<p>${escapeXml(`${m.cpu}, ${m.cores} cores, ${m.runtime}, ${m.platform}, ${m.date}${report.quick ? " (quick run)" : ""}`)}</p>`,
    htmlTable(targets.header, targets.rows),
    ...charts,
  ]);
}

async function offsetKernels(engine: Engine, items: number, quick: boolean, json: string | undefined): Promise<number> {
  const progress = startProgress("bench offset kernels");
  const rows = await runOffsetKernels(engine, { items, ...TIMING[quick ? "quick" : "full"], onSample: progress.update });
  progress.finish(`${rows.length} rows`);
  const m = await machineInfo();
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.runtime}, ${m.platform}; ${buildLine(m.build)}; ${items} items per batch`);
  console.log(textTable(["regions", "workload", "runs", "kernel", "ran", "ns/op", "×none"],
    rows.map((r) => [String(r.regions), r.workload, String(r.runs), r.kernel, r.ran ?? "", num(r.ns_per_op, 3), spread(r.vs_none)])));
  console.error(`JSON: ${write(json ?? "out/bench-offset-kernels.json", JSON.stringify({ machine: m, quick, items, rows }, null, 2))}`);
  return 0;
}

/** An earlier run's JSON for --compare, read before this run starts. */
function earlierRun(path: string): Pick<PdxBenchReport, "ratios" | "results" | "items"> {
  try {
    const earlier = JSON.parse(readFileSync(path, "utf8"));
    if (!Array.isArray(earlier?.ratios) || !Array.isArray(earlier?.results)) throw new Error("no ratios and results arrays");
    // Only the fields the comparison reads, so a hand-edited or truncated file is refused here, not half-way.
    const fields = { ratios: ["ratio", "map", "scheme", "workload", "impl", "threads", "median"], results: ["workload", "map", "scheme", "impl", "threads", "ns_per_op"] } as const;
    for (const [list, keys] of Object.entries(fields)) {
      const bad = (earlier[list] as unknown[]).findIndex((r) => r === null || typeof r !== "object" || keys.some((k) => !(k in r)));
      if (bad >= 0) throw new Error(`${list}[${bad}] lacks ${keys.join(", ")}`);
    }
    return earlier;
  } catch (e) {
    throw new UsageError(`--compare ${path}: not a xenmm bench JSON (${(e as Error).message})`);
  }
}

const gbps = (c: CopySpeed) => `${num(c.median, 1)} GB/s (${num(c.min, 1)}–${num(c.max, 1)})`;

/** This run's quoted ratios against an earlier run's, and the machine's copy speed in each. */
function compareWith(path: string, earlier: Pick<PdxBenchReport, "ratios" | "results" | "items">, report: PdxBenchReport): string {
  const a = agreement(earlier, report);
  const worst = a.rows[0];
  const agreed = `against ${path}: ${a.within} of ${a.compared} quoted ratios within ±${a.tolerance * 100} %` +
    (worst ? ` (worst: ${worst.name} ${num(worst.a)} → ${num(worst.b)}, ${num(worst.diff * 100, 0)} %)` : "");
  const c = runConditions(earlier, report);
  if (c.notComparable) return `${agreed}\nnot comparable: ${c.notComparable}`;
  if (!c.then || !c.now || c.apart === undefined) return agreed;
  return `${agreed}\nflat copy (${c.now.impl}, one thread): ${gbps(c.then)} then, ${gbps(c.now)} now` +
    (c.apart > a.tolerance ? `: ${num(c.apart * 100, 0)} % apart, so the machine's memory was not equally busy in the two runs, and memory-bound ratios move with it` : "");
}

const human = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(b >= 1e7 ? 0 : 1)} MB` : `${(b / 1e3).toFixed(b >= 1e4 ? 0 : 1)} KB`);

/** `--parse`: each row printed as it is measured (the 100 MB inputs take a while). */
async function parseBench(quick: boolean, json: string | undefined): Promise<number> {
  const widths = [14, 9, 9, 6, 12, 9, 7];
  const line = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(["format", "input", "ranges", "runs", "ms/parse", "MB/s", "×1MB"]));
  const report = await runParseBench({
    quick,
    onRow: (r: ParseBenchRow) => console.log(line([r.format, human(r.bytes), String(r.ranges), String(r.runs), (r.seconds_per_parse * 1e3).toFixed(3), num(r.mb_per_s, 1), num(r.vs_1mb ?? undefined)])),
  });
  const m = report.machine;
  console.log(`${m.cpu}, ${m.cores} cores, ${m.runtime}; ×1MB near 1.0 at every size = time linear in input size`);
  console.error(`JSON: ${write(json ?? "out/bench-parse.json", `${JSON.stringify(report, null, 2)}\n`)}`);
  return 0;
}

export const verb: Verb = {
  summary: "benchmark PDX conversions and frame-table walks against flat lookups (npm run bench)",
  async run(argv) {
    const { values } = parseCommand(argv, {
      quick: { type: "boolean" }, json: { type: "string" }, html: { type: "string" }, items: { type: "string" },
      threads: { type: "string" }, compare: { type: "string" }, verify: { type: "boolean" }, native: { type: "boolean" }, "no-native": { type: "boolean" },
      "offset-kernels": { type: "boolean" }, parse: { type: "boolean" },
    }, USAGE, 0);
    if (values.parse && values["offset-kernels"]) throw new UsageError("--parse and --offset-kernels are two different runs: pick one");
    if (values.parse) return parseBench(!!values.quick, values.json);
    if (values.native && values["no-native"]) throw new UsageError("--native and --no-native contradict each other");
    const items = intFlag("items", values.items, PDX_BENCH_DEFAULTS.items, 1024, 16_000_000);
    const threads = intFlag("threads", values.threads, PDX_BENCH_DEFAULTS.threads, 1, 16);
    const earlier = values.compare === undefined ? undefined : earlierRun(values.compare);
    // Before the engine's module is compiled (on first use, in Engine.create): every function
    // straight to V8's optimising tier. Otherwise the kernels start on Liftoff's baseline code
    // and are swapped for TurboFan's only after a background compile; on a busy 2-core machine
    // that took seconds, and the first workload of the first map ran at up to twice its cost
    // (README "Ratios from one run to the next").
    setFlagsFromString("--no-liftoff");
    const engine = await Engine.create({ maxMemoryBytes: 1536 << 20 });
    if (values["offset-kernels"]) return offsetKernels(engine, items, !!values.quick, values.json);
    const pool = threads >= 2 ? await NodeWorkerPool.create(engine, threads) : undefined;
    try {
      const progress = startProgress("bench");
      const report = await runPdxBench(engine, { quick: values.quick, items, pool, verifyOnly: values.verify, native: values["no-native"] ? undefined : nodeNativeToolchain(), onProgress: progress.update });
      progress.finish(`${report.results.length} cases`);
      if (values.verify) {
        console.log(`verified ${report.results.length} benchmark cases: every output equals the bigint reference`);
        console.error(`JSON: ${write(values.json ?? "out/bench-pdx-verify.json", JSON.stringify(report, null, 2))}`);
        return 0;
      }
      const m = report.machine;
      console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.runtime}, ${m.platform}; ${buildLine(m.build)}`);
      console.log(table(report));
      for (const why of report.skipped) console.error(`skipped ${why}`);
      console.log("\ntargets (ratios from this run):");
      const targets = targetsTable(report);
      console.log(textTable(targets.header, targets.rows));
      const ceiling = copyCeiling(report);
      const copy = report.copy_speed;
      if (copy) console.log(`\nflat copy during this run (${copy.impl}, one thread, ${BYTES_PER_ITEM} bytes per item): ${gbps(copy)}`);
      if (ceiling) console.log(`\n${ceiling.threads}-thread copy ceiling (PDX_NONE's copy loop, ${BYTES_PER_ITEM} bytes per item): ${num(ceiling.gbPerS[0], 1)}–${num(ceiling.gbPerS[1], 1)} GB/s; the ${ceiling.threads}-thread mask and offset rows reach ${num(ceiling.shares[0])}–${num(ceiling.shares[1])} of it`);
      if (earlier) console.log(`\n${compareWith(values.compare!, earlier, report)}`);
      console.error(`JSON: ${write(values.json ?? "out/bench-pdx.json", JSON.stringify(report, null, 2))}`);
      if (values.html) console.error(`HTML: ${write(values.html, html(report))}`);
      return 0;
    } finally {
      await pool?.close();
    }
  },
};
