/**
 * The ring workers in the page (issue 12 §4): the same benchmark as `xenmm ring bench`, the
 * real SharedArrayBuffer rings moving events between Web Workers, next to ringbuf.js.
 */
import type { RingBenchReport } from "../../bench/ring.js";
import { fill, h, messageOf, table } from "./dom.js";
import type { RingBenchReply, RingBenchRequest } from "./ring-bench-worker.js";

function results(r: RingBenchReport, ms: number): HTMLElement[] {
  return [
    h("p", { class: "help" }, `${r.settings.rounds} rounds per payload in ${(ms / 1000).toFixed(1)} s on ${r.machine.runtime} (${r.machine.cores} logical cores). Both rings ran in the same two Web Workers, batch by batch.`),
    table(["ring (2 Web Workers)", "payload", "msgs/s (median round)", "±% over rounds"],
      r.throughput.map((t) => [t.impl, `${t.payload_bytes} B`, t.ops_per_s.toFixed(0), t.rme.toFixed(1)]), { class: "mono", "data-testid": "ring-throughput" }),
    table(["xenmm / ringbuf.js", "median", "p25–p75", "target", "met"],
      Object.entries(r.ratio_spread).map(([k, s]) => [k, `${s.median.toFixed(2)}×`, `${s.p25.toFixed(2)}–${s.p75.toFixed(2)}`, `≥ ${r.targets.ratio_at_least[k].target}×`, r.targets.ratio_at_least[k].met ? "yes" : "no"]),
      { class: "mono", "data-testid": "ring-ratio" }),
    h("p", { class: "help" }, `xenmm publishes prod_idx every ${Object.entries(r.settings.publish_every).map(([k, v]) => `${v} (${k})`).join(", ")} events; the controls below change one side so both publish equally often.`),
    table(["control", "median", "p25–p75"], [
      ...Object.entries(r.publish_each.ratio_spread).map(([k, s]) => [`${k}: xenmm publishing each event / ringbuf.js`, `${s.median.toFixed(2)}×`, `${s.p25.toFixed(2)}–${s.p75.toFixed(2)}`]),
      ...Object.entries(r.grouped_push.ratio_spread).map(([k, s]) => [`${k}: xenmm / ringbuf.js pushing the same groups`, `${s.median.toFixed(2)}×`, `${s.p25.toFixed(2)}–${s.p75.toFixed(2)}`]),
    ], { class: "mono", "data-testid": "ring-ratio-controls" }),
    table(["one thread, both sides", "xenmm ns/msg", "ringbuf.js ns/msg", "ringbuf.js / xenmm", `±% (${r.one_thread_cost[0]?.clock ?? "wall"} time)`],
      r.one_thread_cost.map((c) => [`${c.payload_bytes} B`, c.xenmm_ns.toFixed(1), c.ringbuf_ns.toFixed(1), `${c.ratio.median.toFixed(2)}×`, c.ratio.spread_pct.toFixed(1)]),
      { class: "mono", "data-testid": "ring-cost" }),
    table(["sync round trip", "p50 µs", "p99 µs", "timed"],
      r.sync_round_trip.map((s) => [s.strategy, s.p50_us.toFixed(1), s.p99_us.toFixed(1), String(s.round_trips_timed)]), { class: "mono", "data-testid": "ring-sync" }),
  ];
}

export function mountRingBench(root: HTMLElement): void {
  const status = h("p", { class: "status", "data-testid": "ring-status", "aria-live": "polite" });
  const out = h("div");
  const button = h("button", { type: "button", "data-testid": "ring-run" }, "Run the ring workers (quick)");
  button.addEventListener("click", () => {
    if (!crossOriginIsolated) { status.textContent = "Needs a cross-origin isolated page (serve it with xenmm serve): the rings live in a SharedArrayBuffer."; return; }
    button.disabled = true;
    root.dataset.ringReady = "false";
    status.textContent = "starting the workers…";
    const worker = new Worker(new URL("./ring-bench-worker.ts", import.meta.url), { type: "module", name: "xenmm-ring-bench" });
    const finish = () => { worker.terminate(); button.disabled = false; root.dataset.ringReady = "true"; };
    worker.onmessage = (e: MessageEvent<RingBenchReply>) => {
      const m = e.data;
      if (m.kind === "case") { status.textContent = `running ${m.name}… (${m.done} of ${m.total} done)`; return; }
      if (m.kind === "error") { status.textContent = `error: ${m.error}`; root.dataset.ringError = m.error; finish(); return; }
      status.textContent = "done";
      fill(out, ...results(m.report, m.ms));
      finish();
    };
    worker.onerror = (e) => { status.textContent = `ring benchmark worker failed: ${e.message || messageOf(e)}`; root.dataset.ringError = status.textContent; finish(); };
    worker.postMessage({ quick: true } satisfies RingBenchRequest);
  });
  fill(root,
    h("h3", {}, "The rings themselves, in Web Workers"),
    h("p", { class: "help" }, "The async ring and a sync slot over a SharedArrayBuffer, producer and consumer each in a Web Worker, timed against ringbuf.js moving the same messages: the code `xenmm ring bench` runs in Node's worker_threads."),
    button, status, out);
}
