/**
 * Turns simulation runs into the text table and the HTML/SVG charts of `xenmm ring sim` and
 * `xenmm ring sweep`. Runtime-neutral (strings only), so the browser playground can use it.
 */
import { htmlPage, htmlTable } from "../report/html.js";
import { escapeXml, lineChart, type LineSeries } from "../report/svg.js";
import { textTable } from "../report/table.js";
import type { SimRun } from "./sim/config.js";
import type { ThresholdRow } from "./thresholds.js";

/** A share as a percentage; a non-zero share too small for one decimal shows as "<0.1%", never "0.0%". */
const pct = (f: number) => (f > 0 && f < 0.0005 ? "<0.1%" : `${(f * 100).toFixed(1)}%`);
const num = (v: number, digits = 0) => v.toFixed(digits);

export const RUN_HEADER = [
  "design", "policy", "agent", "vcpus", "slots", "events", "delivered/s", "sync p99 µs", "async p99 µs",
  "running", "sync-paused", "black-eye", "waitqueue", "wq entries", "black eyes", "livepatch refused", "async lost", "lost %",
];

/** One table row. "async p99" is over delivered async events only, from their trap: drops cannot improve it. */
export function runRow(r: SimRun): string[] {
  return [
    r.design, r.policy, r.agent_policy, String(r.vcpus), String(r.slots), String(r.events), num(r.delivered_per_s),
    num(r.sync_latency_p99_us), r.async_delivered > 0 ? num(r.delivered_latency_p99_us) : "-",
    pct(r.vcpu_time.running), pct(r.vcpu_time.sync_paused), pct(r.vcpu_time.blackeye), pct(r.vcpu_time.waitqueue),
    String(r.waitqueue_entries), String(r.blackeye_pauses), pct(r.livepatch_blocked_fraction),
    `${r.lost}/${r.async_produced}`, pct(r.async_loss_fraction),
  ];
}

export function runTable(runs: SimRun[]): string {
  return textTable(RUN_HEADER, runs.map(runRow));
}

export const THRESHOLD_HEADER = ["slot count", "pages", "raw fit", "slots", "black eye from", "waitqueue from"];

export function thresholdRow(t: ThresholdRow): string[] {
  return [t.rounding === "pow2" ? "power of two (Xen)" : "no rounding (counterfactual)", String(t.pages), String(t.rawSlots), String(t.slots), `${t.blackEyeFromVcpus} vCPUs`, `${t.waitqueueFromVcpus} vCPUs`];
}

function label(r: SimRun): string {
  // Short: the chart legend gives each series about 150 px.
  return r.design === "legacy" ? `legacy, ${r.slots}-slot ring` : `new, ${r.policy} ${r.slots} slots, ${r.agent_policy}`;
}

function series(runs: SimRun[], y: (r: SimRun) => number): LineSeries[] {
  const groups = new Map<string, SimRun[]>();
  for (const r of runs) groups.set(label(r), [...(groups.get(label(r)) ?? []), r]);
  return [...groups].map(([name, rs]) => ({ name, points: rs.map((r) => [r.vcpus, y(r)] as [number, number]) }));
}

export interface SweepCharts {
  blocked: string;
  latency: string;
  throughput: string;
  livepatch: string;
  lost: string;
  lossFraction: string;
  deliveredLatency: string;
}

export function sweepCharts(runs: SimRun[]): SweepCharts {
  const seconds = (r: SimRun) => r.duration_ms / 1000;
  return {
    blocked: lineChart({
      title: "vCPU time blocked on ring space (black eye + waitqueue)", xLabel: "vCPUs", yLabel: "fraction of vCPU time",
      series: series(runs, (r) => r.vcpu_time.blackeye + r.vcpu_time.waitqueue),
    }),
    latency: lineChart({
      title: "Sync event latency p99 (trap → response taken)", xLabel: "vCPUs", yLabel: "µs", logY: true,
      series: series(runs, (r) => Math.max(r.sync_latency_p99_us, 1)),
    }),
    deliveredLatency: lineChart({
      title: "Async latency p99 of delivered events (trap → handled; lost ones excluded, see loss)", xLabel: "vCPUs", yLabel: "µs", logY: true,
      series: series(runs.filter((r) => r.async_delivered > 0), (r) => Math.max(r.delivered_latency_p99_us, 1)),
    }),
    throughput: lineChart({
      title: "Events handled per second (one consumer)", xLabel: "vCPUs", yLabel: "events/s",
      series: series(runs, (r) => r.throughput),
    }),
    livepatch: lineChart({
      title: "Time a livepatch would be refused (-EBUSY: a waitqueue is non-empty)", xLabel: "vCPUs", yLabel: "fraction of time",
      series: series(runs, (r) => r.livepatch_blocked_fraction),
    }),
    lost: lineChart({
      title: "Async events lost per second (counted; sync events are never lost)", xLabel: "vCPUs", yLabel: "events/s",
      series: series(runs, (r) => r.lost / seconds(r)),
    }),
    lossFraction: lineChart({
      title: "Share of async events lost (dropped + overwritten) / produced", xLabel: "vCPUs", yLabel: "fraction of async events",
      series: series(runs, (r) => r.async_loss_fraction),
    }),
  };
}

/** `notes`: plain-text blocks printed beside the tables (onsets, loss limits), shown preformatted. */
export function sweepHtml(runs: SimRun[], thresholds: ThresholdRow[], settings: string, notes: string[] = []): string {
  const c = sweepCharts(runs);
  return htmlPage("vm_event rings: legacy single-page ring vs per-vCPU sync slots + lossy async ring", [
    `<p class="mono">${escapeXml(settings)}</p>`,
    ...notes.map((n) => `<pre>${escapeXml(n)}</pre>`),
    `<h2>Thresholds from the legacy model</h2>`,
    htmlTable(THRESHOLD_HEADER, thresholds.map(thresholdRow)),
    `<h2>Blocking</h2>`, c.blocked, c.livepatch,
    `<h2>Latency and throughput</h2>`, c.latency, c.deliveredLatency, c.throughput,
    `<h2>Loss</h2>`, c.lossFraction, c.lost,
    `<h2>All runs</h2>`, htmlTable(RUN_HEADER, runs.map(runRow)),
  ]);
}
