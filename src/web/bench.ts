/**
 * The Benchmark section: the PDX suite of bench/pdx.ts (each scheme against the flat
 * lookup, WASM against pure JS, one thread against two) run in this page, round robin, the
 * two-thread rows on Web Workers over the engine's shared memory; then the one-thread rows
 * again in a Web Worker (bench-worker.ts), set beside the page's and Node's (README).
 */
import { BENCH_MAPS, runPdxBench, type PdxBenchOptions, type PdxBenchReport, type PdxBenchResult } from "../../bench/pdx.js";
import { PDX_BENCH_DEFAULTS, targetsTable, workloadSeries } from "../../bench/summary.js";
import { Engine } from "../engine/engine.js";
import type { EnginePool } from "../engine/worker-tasks.js";
import { barChart } from "../report/svg.js";
import { chart, fill, h, messageOf, select, table } from "./dom.js";
import { WebWorkerPool } from "../engine/web-pool.js";
import type { BenchWorkerReply, BenchWorkerRequest } from "./bench-worker.js";
import { NODE_PFN_TO_PDX } from "./node-reference.js";

/** The one-thread pfn_to_pdx rows of the page's run beside the worker's and Node's. */
function workerComparison(page: PdxBenchReport, worker: PdxBenchReport): HTMLElement[] {
  const key = (r: PdxBenchResult) => `${r.map} ${r.scheme} ${r.impl}`;
  const one = (rows: PdxBenchResult[]) => rows.filter((r) => r.workload === "pfn_to_pdx" && r.threads === 1);
  const onPage = new Map(one(page.results).map((r) => [key(r), r.ns_per_op]));
  const ns = (x: number | undefined) => (x === undefined ? "" : x.toPrecision(3));
  return [
    h("h3", {}, "One thread: the page's main thread, a Web Worker, and Node"),
    h("p", { class: "help" }, `pfn_to_pdx, ns per item, ${worker.items.toLocaleString("en")} items per batch in this tab; Node: ${NODE_PFN_TO_PDX.run}, 1,000,000 items.`),
    table(["map", "scheme", "impl", "main thread", "Web Worker", "Node"],
      one(worker.results).map((r) => [r.map, r.scheme, r.impl, ns(onPage.get(key(r))), ns(r.ns_per_op), ns(NODE_PFN_TO_PDX.ns[key(r)])]),
      { class: "mono", "data-testid": "bench-worker-table" }),
  ];
}

/** Runs the suite's one-thread rows in a Web Worker. */
function runInWorker(request: BenchWorkerRequest, onProgress: (done: number, total: number, label: string) => void): Promise<PdxBenchReport> {
  return new Promise((resolve, reject) => {
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    const worker = new Worker(new URL("./bench-worker.ts", import.meta.url), { type: "module", name: "xenmm-pdx-bench" });
    worker.onmessage = (e: MessageEvent<BenchWorkerReply>) => {
      const m = e.data;
      if (m.kind === "progress") { onProgress(m.done, m.total, m.label); return; }
      worker.terminate();
      if (m.kind === "done") resolve(m.report);
      else reject(new Error(`in the Web Worker: ${m.error}`));
    };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(`the benchmark worker failed: ${e.message || messageOf(e)}`)); };
    worker.postMessage(request);
  });
}

/** The engines' default arch, in this page and in its worker (each map names its own in BENCH_MAPS). */
const BENCH_ARCH = "x86-64";

/** Quick: smaller batches and one frame-table size, so a run takes tens of seconds, not minutes. */
const QUICK_MAPS = BENCH_MAPS.filter((m) => m.quick).map((m) => m.id).join(", ");
const ALL_MAPS = BENCH_MAPS.map((m) => m.id).join(", ");
const MODES = {
  quick: { quick: true, items: 100_000 },
  full: { quick: false, items: PDX_BENCH_DEFAULTS.items },
} as const;

/**
 * One bar per implementation in `impls`, one group per map and scheme, for one workload.
 * At most four series per chart, so the legend fits the chart's width.
 */
function workloadChart(results: PdxBenchResult[], workload: string, impls: string[], title: string): string {
  return barChart({ title: `${workload}: ${title}, ns per item (lower is better)`, unit: "ns per item", log: true, ...workloadSeries(results, workload, impls) });
}

function report(r: PdxBenchReport, seconds: number): HTMLElement[] {
  const json = JSON.stringify(r, null, 2);
  const href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  const targets = targetsTable(r);
  return [
    h("p", { class: "help", "data-testid": "bench-machine" },
      `${r.results.length} results in ${seconds.toFixed(1)} s on ${r.machine.runtime} (${r.machine.cores} logical cores), ${r.items.toLocaleString("en")} items per batch${r.quick ? ", quick mode" : ""}. `,
      h("a", { href, download: "pdx-bench.json" }, "Download the JSON")),
    h("div", { class: "charts" },
      chart(workloadChart(r.results, "pfn_to_pdx", ["wasm-simd", "wasm-call", "js-bigint", "js-number"], "WASM vs JS"), "bench-chart",
        "wasm-simd: one call per batch; wasm-call: one WASM call per item; js-bigint / js-number: the same formulas in JavaScript."),
      chart(workloadChart(r.results, "pfn_to_pdx", ["wasm-simd", "wasm-batch", "wasm-simd ×2", "wasm-batch ×2"], "one thread vs two"), "bench-chart-threads",
        "×2: the batch split across two Web Workers over the same shared memory (includes the postMessage round trip).")),
    h("h3", {}, "The issue's targets"),
    table(targets.header, targets.rows, { "data-testid": "bench-targets" }),
    h("details", {}, h("summary", {}, `All ${r.results.length} rows`),
      table(["workload", "map", "scheme", "impl", "threads", "ns/item", "items/s", "±%"],
        r.results.map((x) => [x.workload, x.map, x.scheme, x.impl, String(x.threads), x.ns_per_op.toPrecision(3), x.ops_per_s.toExponential(2), x.rme.toFixed(1)]),
        { class: "mono small", "data-testid": "bench-table" })),
  ];
}

export function mountBench(root: HTMLElement): void {
  const mode = select("Mode", "bench-mode", [["quick", `quick: ${QUICK_MAPS}, 100k items (~1 min)`], ["full", `full: ${ALL_MAPS}, 1M items (minutes)`]], "quick");
  const threads = h("input", { type: "checkbox", checked: true, "data-testid": "bench-threads" });
  const inWorker = h("input", { type: "checkbox", checked: true, "data-testid": "bench-in-worker" });
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
      const engine = await Engine.create({ arch: BENCH_ARCH });
      if (threads.checked) pool = await WebWorkerPool.create(engine, 2);
      const m = MODES[mode.input.value as keyof typeof MODES];
      const options: PdxBenchOptions = {
        quick: m.quick, items: m.items, pool,
        onProgress: (done, total, label) => {
          progress.max = total;
          progress.value = done;
          status.textContent = `${done} / ${total}: ${label}`;
        },
      };
      const r = await runPdxBench(engine, options);
      let seconds = (performance.now() - t0) / 1000;
      fill(results, ...report(r, seconds));
      if (inWorker.checked) {
        await pool?.close();
        pool = undefined;
        const w = await runInWorker({ quick: m.quick, items: m.items, arch: BENCH_ARCH }, (done, total, label) => {
          progress.max = total;
          progress.value = done;
          status.textContent = `Web Worker: ${done} / ${total}: ${label}`;
        });
        seconds = (performance.now() - t0) / 1000;
        results.append(...workerComparison(r, w));
      }
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
    h("p", { class: "lede" }, "PDX conversions in WASM (SIMD batch, scalar batch, one call per item) against pure-JS forms (bigint, and 32-bit number halves), with and without compression, timed round robin in this tab. The two-thread rows run on Web Workers that share the engine's memory; afterwards the one-thread rows run again in a Web Worker, shown beside this page's and Node's."),
    h("div", { class: "controls" }, mode.wrap,
      h("label", { class: "check" }, threads, " two-thread rows (Web Workers)"),
      h("label", { class: "check" }, inWorker, " then the one-thread rows in a Web Worker")),
    h("div", { class: "controls" }, start, progress),
    status, results);
}
