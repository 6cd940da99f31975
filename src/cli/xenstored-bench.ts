/**
 * `xenmm xenstored bench | bench-vs-c | soak`: the flags of the three xenstored suites and
 * their output. bench/ takes plain option objects and returns reports; this file prints
 * them as tables and writes their JSON.
 */
import { cpus } from "node:os";
import type { XenstoreBenchReport } from "../../bench/xenstore.js";
import type { XenstoreVsCReport } from "../../bench/xenstore-vs-c.js";
import type { SoakReport } from "../../bench/xenstore-soak.js";
import type { MachineInfo } from "../../bench/machine.js";
import { textTable } from "../report/table.js";
import { OUTPUT_LIMIT_BYTES } from "../xenstore/socket-transport.js";
import { intFlag, parseCommand } from "./args.js";
import { writeOutputFile } from "./output-file.js";
import { startProgress } from "./progress.js";

const QUICK_JSON = { quick: { type: "boolean" }, json: { type: "string" } } as const;

const machineLine = (m: MachineInfo) => `${m.cpu}, ${m.cores} cores, ${m.runtime}, ${m.date.slice(0, 10)}`;

function writeJson(path: string, report: object): void {
  console.log(`results written to ${writeOutputFile(path, JSON.stringify(report, null, 2) + "\n")}`);
}

/** `bench [--quick] [--json FILE]`: request latency and throughput over the unix socket. */
export async function xenstoreBench(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, QUICK_JSON, usage, 0);
  const { runXenstoreBench } = await import("../../bench/xenstore.js");
  const progress = startProgress("xenstored bench", { delayMs: 0 });
  const report = await runXenstoreBench({ quick: !!values.quick, onProgress: progress.update });
  progress.finish(`${report.results.length} mixes`);
  console.log(benchText(report));
  writeJson(values.json ?? "out/bench-xenstore.json", report);
  return 0;
}

function benchText({ machine, results, targets: t }: XenstoreBenchReport): string {
  return [
    `xenmm xenstored over a unix socket — ${machineLine(machine)}`,
    textTable(["mix", "connections", "requests", "req/s", "p50 µs", "p99 µs"],
      results.map((r) => [r.name, r.connections, r.requests, r.ops_per_s, r.p50_us, r.p99_us].map(String))),
    `targets: median read ${t.read_p50_us} µs (≤ 30: ${t.read_p50_met ? "met" : "missed"}); ` +
      `64-connection read ${t.read_64_ops_per_s} req/s, best ${t.best_64_ops_per_s} (≥ 50,000: ${t.best_64_met ? "met" : "missed"})`,
  ].join("\n");
}

/** `bench-vs-c [--quick] [--rounds N] [--cpu N|none] [--json FILE]`: latency against C xenstored. */
export async function xenstoreBenchVsC(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, { ...QUICK_JSON, rounds: { type: "string" }, cpu: { type: "string" } }, usage, 0);
  const { runXenstoreVsC } = await import("../../bench/xenstore-vs-c.js");
  const lastCpu = cpus().length - 1;
  const progress = startProgress("xenstored bench-vs-c", { delayMs: 0 });
  const report = await runXenstoreVsC({
    quick: !!values.quick, rounds: intFlag("rounds", values.rounds, values.quick ? 4 : 20, 1, 200),
    cpu: values.cpu === "none" ? null : intFlag("cpu", values.cpu, lastCpu, 0, lastCpu),
    onProgress: (done, total) => progress.update(done, total, "rounds"),
  });
  progress.finish(`${report.rounds} rounds`);
  console.log(vsCText(report));
  writeJson(values.json ?? "out/bench-xenstore-vs-c.json", report);
  return 0;
}

function vsCText(r: XenstoreVsCReport): string {
  return [
    `xenmm xenstored vs C xenstored 4.17, unix socket, ${r.rounds} alternating rounds × ${r.per_round} per operation — ${machineLine(r.machine)}`,
    textTable(["operation", "xenmm p50 µs", "C p50 µs", "xenmm / C"], [
      ...r.rows.map((x) => [x.operation, x.xenmm_p50_us.toFixed(1), x.c_p50_us.toFixed(1), `${x.ratio.toFixed(2)}×`]),
      ["geomean", "", "", `${r.geomean.toFixed(2)}×`],
    ]),
    r.cpu === null ? `unpinned (${r.cpu_unpinned_reason}): cross-CPU wake-ups are timed too`
      : `client and all three servers pinned to CPU ${r.cpu} (--cpu none leaves them unpinned)`,
    `Node floor (a server that only answers OK): read 1 B ${r.node_floor_read_p50_us.toFixed(1)} µs = ${r.node_floor_ratio.toFixed(2)}× C`,
    `target: geomean ≤ 1.00× C (${r.geomean <= 1 ? "met" : "missed"})`,
  ].join("\n");
}

/** `soak [--quick] [--seconds S] [--json FILE]`: hostile guests and clients for a bounded time. */
export async function xenstoreSoak(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, { ...QUICK_JSON, seconds: { type: "string" } }, usage, 0);
  const { runXenstoreSoak } = await import("../../bench/xenstore-soak.js");
  const progress = startProgress("xenstored soak", { delayMs: 0 });
  const report = await runXenstoreSoak({
    seconds: intFlag("seconds", values.seconds, values.quick ? 10 : 30, 5, 3600),
    onProgress: (done, total, attack) => progress.update(done, total, attack),
  });
  progress.finish(`${report.rows.length} attacks`);
  console.log(soakText(report));
  writeJson(values.json ?? "out/bench-xenstore-soak.json", report);
  return 0;
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

function soakText({ machine, before, rows }: SoakReport): string {
  return [
    `xenmm xenstored under hostile guests and clients — ${machineLine(machine)}; before the attacks: RSS ${before.rss_mib} MiB, JS ${before.js_mib} MiB`,
    textTable(
      ["attack", "seconds", "attacker requests", "dup dropped", "timed out", "over quota", "over-long", `over ${OUTPUT_LIMIT_BYTES >> 20} MiB unsent`, "max domain KiB", "peak RSS MiB", "RSS after MiB", "JS after MiB"],
      rows.map((r) => [r.attack, r.seconds, r.requests, r.duplicate, r.timeout, r.memory, r.overlong, r.backlog,
        kib(r.max_domain_bytes), r.peak_rss_mib, r.rss_after_mib, r.js_after_mib].map(String)),
    ),
  ].join("\n");
}
