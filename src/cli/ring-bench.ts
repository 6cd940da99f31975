/**
 * `xenmm ring bench [--quick] [--json FILE]`: runs the vm_event ring suite (bench/ring.ts) with
 * its roles in Node worker threads, prints its report as tables and writes it as JSON.
 * bench/ returns the report; only this file formats it.
 */
import { readFile } from "node:fs/promises";
import type { RingBenchReport } from "../../bench/ring.js";
import type { RatioSpread } from "../../bench/spread.js";
import { startNodeRoles } from "../node.js";
import { textTable } from "../report/table.js";
import { parseCommand } from "./args.js";
import { writeOutputFile } from "./output-file.js";
import { startProgress } from "./progress.js";

async function ringbufVersion(): Promise<string> {
  try {
    const entry = import.meta.resolve("ringbuf.js");
    const pkg = JSON.parse(await readFile(new URL("../package.json", entry), "utf8")) as { version: string };
    return pkg.version;
  } catch {
    return "unknown";
  }
}

export async function ringBench(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, { quick: { type: "boolean" }, json: { type: "string" } } as const, usage, 0);
  const { runRingBench } = await import("../../bench/ring.js");
  const progress = startProgress("ring bench", { delayMs: 0 });
  // Each benchmark role on its own CPU (Linux, taskset): the pair never shares a core.
  const report = await runRingBench({ startRoles: (specs, members) => startNodeRoles(specs, members, { pinToCpus: true }) }, {
    quick: values.quick ?? false,
    versions: { "ringbuf.js": await ringbufVersion(), node: process.version },
    onProgress: progress.update,
  });
  progress.finish(`${report.throughput_rounds.length} ring batches, ${report.sync_round_trip.length} sync cases`);
  console.log(ringBenchText(report));
  const file = writeOutputFile(values.json ?? "out/bench-ring.json", JSON.stringify(report, null, 2) + "\n");
  console.error(`wrote ${file}`);
  return 0;
}

const ratioRow = (k: string, r: RatioSpread, target: string, met: string) =>
  [k, `${r.median.toFixed(2)}×`, `${r.median_ci95[0].toFixed(2)}–${r.median_ci95[1].toFixed(2)}`, r.spread_pct.toFixed(1), r.p25.toFixed(2), r.p75.toFixed(2), r.min.toFixed(2), r.max.toFixed(2), String(r.rounds), target, met];

/** The report as `xenmm ring bench` prints it: machine and load, then one table per measurement. */
export function ringBenchText(report: RingBenchReport): string {
  const m = report.machine;
  const out = [`${m.cpu} × ${m.cores}, ${m.runtime}, ${m.platform}; ringbuf.js ${report.versions["ringbuf.js"]}`];
  if (report.load_average) out.push(`load average (1, 5, 15 min): ${report.load_average.start.join(" ")} at the start, ${report.load_average.end.join(" ")} at the end`);
  const ml = report.machine_load;
  if (ml) out.push(`during the ${ml.wall_s} s run, other processes used ${ml.others_cpu_s} CPU-s of ${(ml.wall_s * m.cores).toFixed(1)} and the hypervisor stole ${ml.steal_s} s`);
  out.push("");
  out.push(textTable(["async ring (2 workers)", "payload", "ring msgs", "msgs/s", "MB/s", "ns/msg", "±%"], report.throughput.map((t) => [
    t.impl, `${t.payload_bytes} B`, String(t.ring_messages), t.ops_per_s.toFixed(0), (t.bytes_per_s / 1e6).toFixed(0), t.ns_per_op.toFixed(1), t.rme.toFixed(1),
  ])));
  for (const payload of [...new Set(report.threads.map((t) => t.payload_bytes))]) {
    const placed = report.threads.filter((t) => t.payload_bytes === payload)
      .map((t) => `${t.role} → ${t.requested_cpu === null ? "unpinned" : `CPU ${t.requested_cpu}`} (allowed ${t.cpus_allowed ?? "unknown"})`);
    out.push(`${payload} B pinned: ${placed.join(", ")}`);
  }
  const st = report.settings;
  out.push(`\nSame two worker threads for all rings, ${st.rounds} rounds of ${st.messages_per_batch} messages each after ${st.warmup_rounds} warm-up rounds, alternating the order; ` +
    `timed inside the workers. Both rings: the same waits (${st.wait.replace(/^both rings: /, "")}) and the same bulk consumer. ` +
    `xenmm publishes prod_idx and returns slots every ${Object.entries(st.publish_every).map(([k, v]) => `${v} (${k})`).join(", ")} entries; ` +
    `"publish each" is the same ring publishing on every event; "vs grouped push" is against ringbuf.js pushing those same groups in one call each. "±%" is half the interquartile range of the per-round ratios.`);
  out.push(textTable(["xenmm / ringbuf.js", "median", "median 95% CI", "±% (IQR/2)", "p25", "p75", "min", "max", "rounds", "target", "met"], [
    ...Object.entries(report.ratio_spread).map(([k, r]) => {
      const t = report.targets.ratio_at_least[k];
      return ratioRow(k, r, `≥ ${t.target}×`, t.met ? "yes" : "no");
    }),
    ...Object.entries(report.publish_each.ratio_spread).map(([k, r]) => ratioRow(`${k}, publish each`, r, "", "")),
    ...Object.entries(report.grouped_push.ratio_spread).map(([k, r]) => ratioRow(`${k}, vs grouped push`, r, "", "")),
  ]));
  out.push(`\nOne thread doing both sides (no scheduling timed; ${report.one_thread_cost[0]?.clock ?? "cpu"} time): ns per message, produce + consume.`);
  out.push(textTable(["payload", "xenmm ns", "ringbuf.js ns", "ringbuf.js / xenmm", "±% (IQR/2)", "min", "max", "rounds"],
    report.one_thread_cost.map((c) => [`${c.payload_bytes} B`, c.xenmm_ns.toFixed(1), c.ringbuf_ns.toFixed(1), `${c.ratio.median.toFixed(2)}×`, c.ratio.spread_pct.toFixed(1), c.ratio.min.toFixed(2), c.ratio.max.toFixed(2), String(c.ratio.rounds)])));
  out.push("");
  out.push(textTable(["sync round trip (2 workers)", "p50 µs", "p99 µs", "mean µs", "timed"], report.sync_round_trip.map((s) => [
    s.strategy, s.p50_us.toFixed(2), s.p99_us.toFixed(2), (s.ns_per_op / 1000).toFixed(2), String(s.round_trips_timed),
  ])));
  return out.join("\n");
}
