/**
 * The Benchmark section: the PDX suite of bench/pdx.ts (each scheme against the flat
 * lookup, WASM against pure JS, one thread against two) run in this page with
 * benchmark.js, the two-thread rows on Web Workers over the engine's shared memory.
 */
import { BENCH_MAPS, runPdxBench, type PdxBenchOptions, type PdxBenchReport, type PdxBenchResult } from "../../bench/pdx.js";
import { checkTargets } from "../../bench/summary.js";
import { Engine } from "../engine/engine.js";
import type { EnginePool } from "../engine/worker-tasks.js";
import { barChart } from "../report/svg.js";
import { chart, fill, h, messageOf, select, table } from "./dom.js";
import { WebWorkerPool } from "./web-pool.js";

/** Quick: smaller batches and one frame-table size, so a run takes tens of seconds, not minutes. */
const MODES = {
  quick: { quick: true, items: 100_000, frametableGiB: [1] },
  full: { quick: false, items: 1_000_000, frametableGiB: [1, 64] },
} as const;

/** One bar per implementation, one group per map and scheme, for one workload. */
function workloadChart(results: PdxBenchResult[], workload: string): string {
  const rows = results.filter((r) => r.workload === workload);
  const labels = [...new Set(rows.map((r) => `${r.map} ${r.scheme}`))];
  const impls = [...new Set(rows.map((r) => `${r.impl}${r.threads > 1 ? ` ×${r.threads}` : ""}`))];
  return barChart({
    title: `${workload}: ns per item (lower is better)`, unit: "ns", log: true, labels,
    series: impls.map((name) => ({
      name,
      values: labels.map((l) => rows.find((r) => `${r.map} ${r.scheme}` === l && `${r.impl}${r.threads > 1 ? ` ×${r.threads}` : ""}` === name)?.ns_per_op ?? 0),
    })),
  });
}

function report(r: PdxBenchReport, seconds: number): HTMLElement[] {
  const json = JSON.stringify(r, null, 2);
  const href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  return [
    h("p", { class: "help", "data-testid": "bench-machine" },
      `${r.results.length} results in ${seconds.toFixed(1)} s on ${r.machine.runtime} (${r.machine.cores} logical cores), ${r.items.toLocaleString("en")} items per batch${r.quick ? ", quick mode" : ""}. `,
      h("a", { href, download: "pdx-bench.json" }, "Download the JSON")),
    chart(workloadChart(r.results, "pfn_to_pdx"), "bench-chart"),
    chart(workloadChart(r.results, "pdx_to_pfn"), "bench-chart-pdx-to-pfn"),
    h("h3", {}, "The issue's targets"),
    table(["target", "measured here", "met"], checkTargets(r).map((t) => [t.target, t.measured, t.met ? "yes" : "no"]), { "data-testid": "bench-targets" }),
    h("details", {}, h("summary", {}, `All ${r.results.length} rows`),
      table(["workload", "map", "scheme", "impl", "threads", "ns/item", "items/s", "±%"],
        r.results.map((x) => [x.workload, x.map, x.scheme, x.impl, String(x.threads), x.ns_per_op.toPrecision(3), x.ops_per_s.toExponential(2), x.rme.toFixed(1)]),
        { class: "mono small", "data-testid": "bench-table" })),
  ];
}

export function mountBench(root: HTMLElement): void {
  const mode = select("Mode", "bench-mode", [["quick", "quick (100k items, fewer samples)"], ["full", "full (1M items; minutes)"]], "quick");
  const threads = h("input", { type: "checkbox", checked: true, "data-testid": "bench-threads" });
  const maps = BENCH_MAPS.map((m, i) => ({ id: m.id, box: h("input", { type: "checkbox", checked: i === 0, value: m.id, "data-testid": `bench-map-${m.id}` }) }));
  const start = h("button", { type: "button", class: "primary", "data-testid": "bench-run" }, "Run the benchmark");
  const progress = h("progress", { max: 1, value: 0, "aria-label": "benchmark progress" });
  const status = h("p", { class: "status", "data-testid": "bench-status", "aria-live": "polite" }, "Not run yet.");
  const results = h("div");

  const run = async () => {
    start.disabled = true;
    root.dataset.state = "running";
    fill(results);
    let pool: EnginePool | undefined;
    const t0 = performance.now();
    try {
      // A fresh engine per run: the suite carves its inputs from linear memory.
      const engine = await Engine.create({ arch: "x86-64" });
      if (threads.checked) pool = await WebWorkerPool.create(engine, 2);
      const chosen = maps.filter((m) => m.box.checked).map((m) => m.id);
      // `maps` narrows the suite to the chosen BENCH_MAPS (ignored by a suite without the option).
      const options: PdxBenchOptions & { maps?: string[] } = {
        ...MODES[mode.input.value as keyof typeof MODES], frametableGiB: [...MODES[mode.input.value as keyof typeof MODES].frametableGiB],
        pool, maps: chosen,
        onProgress: (done, total, label) => {
          progress.max = total;
          progress.value = done;
          status.textContent = `${done} / ${total}: ${label}`;
        },
      };
      const r = await runPdxBench(engine, options);
      const seconds = (performance.now() - t0) / 1000;
      fill(results, ...report(r, seconds));
      status.textContent = `Done: ${r.results.length} results in ${seconds.toFixed(1)} s.`;
      root.dataset.state = "done";
    } catch (e) {
      status.textContent = `The benchmark failed: ${messageOf(e)}`;
      root.dataset.state = "failed";
    } finally {
      await pool?.close();
      start.disabled = false;
    }
  };
  start.addEventListener("click", () => void run());

  fill(root,
    h("h2", { id: "bench-h" }, "Benchmark"),
    h("p", { class: "lede" }, "PDX conversions in WASM (SIMD batch, scalar batch, one call per item) against pure-JS forms (bigint, and 32-bit number halves), with and without compression, timed by benchmark.js in this tab. The two-thread rows run on Web Workers that share the engine's memory."),
    h("div", { class: "controls" }, mode.wrap,
      h("fieldset", { class: "field" }, h("legend", {}, "Maps"), ...maps.map((m) => h("label", { class: "check" }, m.box, ` ${m.id}`))),
      h("label", { class: "check" }, threads, " two-thread rows (Web Workers)")),
    h("div", { class: "controls" }, start, progress),
    status, results);
}
