/**
 * The vm_event section: the discrete-event simulator of today's single-page ring and of
 * the redesign (per-vCPU sync slots + a lossy async ring), swept over vCPU counts in a
 * worker, with charts of blocked vCPU time and lost events for both designs.
 */
import { DEFAULT_VCPU_LIST, SIM_DEFAULTS, type SimRun } from "../vmevent/sim/config.js";
import { sweepCharts } from "../vmevent/sweep-report.js";
import { chart, debounce, fill, h, messageOf, select, slider, table } from "./dom.js";
import { mountRingBench } from "./ring-bench-panel.js";
import { parseAgentPolicy } from "../vmevent/sim/agent-policy.js";
import type { SimReply, SimRequest } from "./sim-worker.js";

/** Simulated time per run: long enough for stable fractions, short enough to redraw while sliding. */
const DURATION_MS = 500;
const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

/** The sweep's vCPU counts up to `max`, always ending at `max` itself. */
function vcpuList(max: number): number[] {
  return [...new Set([...DEFAULT_VCPU_LIST.filter((v) => v < max), max])];
}

function summary(runs: SimRun[], vcpus: number): HTMLElement {
  const at = runs.filter((r) => r.vcpus === vcpus);
  return table(["design", "ring slots", "events", "handled/s", "p99 latency", "vCPU time blocked", "lost async events"],
    at.map((r) => [r.design === "legacy" ? "legacy ring" : `new (${r.policy})`, String(r.slots), String(r.events), r.throughput.toFixed(0),
      `${r.latency_p99_us.toFixed(0)} µs`, pct(r.vcpu_time.blackeye + r.vcpu_time.waitqueue), `${r.lost} of ${r.async_produced} (${pct(r.async_loss_fraction)})`]),
    { class: "mono", "data-testid": "vm-summary" });
}

export function mountVmevent(root: HTMLElement): void {
  const vcpus = slider("vCPUs (sweep up to)", "vm-vcpus", 1, 64, 1, 16);
  const pages = slider("Ring pages", "vm-pages", 1, 8, 1, SIM_DEFAULTS.pages);
  const service = slider("Consumer time per event", "vm-service", 5, 200, 5, SIM_DEFAULTS.serviceUs, (v) => `${v} µs (${Math.round(1e6 / v)} events/s)`);
  const policy = select("When the async ring is full (new design)", "vm-policy", [["drop", "drop the new event"], ["overwrite", "overwrite the oldest"]], SIM_DEFAULTS.policy);
  const agent = select("Agent serves (new design)", "vm-agent", [["sync-first", "sync first"], ["round-robin", "sync and async in turn"], ["batch:8", "async batch every 8 sync"]], SIM_DEFAULTS.agentPolicy);
  const status = h("p", { class: "status", "data-testid": "vm-status", "aria-live": "polite" });
  const charts = h("div", { class: "charts" });
  const tableAt = h("div");
  const ringWorkers = h("div", { "data-testid": "ring-workers" });
  mountRingBench(ringWorkers);

  let worker: Worker | undefined;
  let lastId = 0;
  const run = () => {
    worker ??= new Worker(new URL("./sim-worker.ts", import.meta.url), { type: "module", name: "xenmm-sim" });
    const id = ++lastId;
    const max = Number(vcpus.input.value);
    const request: SimRequest = {
      id, designs: ["legacy", "new"], vcpuList: vcpuList(max),
      base: { pages: Number(pages.input.value), serviceUs: Number(service.input.value), policy: policy.input.value as "drop" | "overwrite", agentPolicy: parseAgentPolicy(agent.input.value), durationMs: DURATION_MS },
    };
    root.dataset.ready = "false";
    status.textContent = `simulating ${request.vcpuList.length * 2} runs…`;
    worker.onmessage = (e: MessageEvent<SimReply>) => {
      if (e.data.id !== lastId) return; // a newer request is on its way
      if ("error" in e.data) { status.textContent = `error: ${e.data.error}`; root.dataset.ready = "true"; return; }
      const c = sweepCharts(e.data.runs);
      fill(charts,
        chart(c.blocked, "vm-chart-blocked", "Legacy vCPUs stall once the one-page ring fills; the new design's sync slots never block on space."),
        chart(c.lost, "vm-chart-lost", "The new design loses async events instead (counted, never sync events); legacy loses none but blocks."),
        chart(c.lossFraction, "vm-chart-loss-fraction", "The share of async events lost; change who the agent serves first to see starvation move."),
        chart(c.latency, "vm-chart-latency"));
      fill(tableAt, h("h3", {}, `At ${max} vCPUs`), summary(e.data.runs, max));
      status.textContent = `${e.data.runs.length} runs of ${DURATION_MS} ms simulated time in ${e.data.ms.toFixed(0)} ms (seed ${SIM_DEFAULTS.seed}, ${SIM_DEFAULTS.syncRateHz} sync + ${SIM_DEFAULTS.asyncRateHz} async events/s per vCPU).`;
      root.dataset.ready = "true";
    };
    worker.onerror = (e) => { status.textContent = `simulator worker failed: ${e.message || messageOf(e)}`; root.dataset.ready = "true"; };
    worker.postMessage(request);
  };
  const later = debounce(run, 200);
  for (const s of [vcpus, pages, service]) s.input.addEventListener("input", later);
  for (const s of [policy, agent]) s.input.addEventListener("change", run);

  fill(root,
    h("h2", { id: "vm-h" }, "vm_event rings"),
    h("p", { class: "lede" }, "Today's single-page ring (reservations, black-eye pauses, waitqueues) against the redesign: one sync slot per vCPU plus a multi-page async ring that drops or overwrites instead of blocking. Each point is a deterministic discrete-event simulation, run in a Web Worker."),
    h("div", { class: "controls" }, vcpus.wrap, pages.wrap, service.wrap, policy.wrap, agent.wrap),
    status, charts, tableAt, ringWorkers);
  run();
}
