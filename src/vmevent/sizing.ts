/**
 * The sizing answer (issue 12 §2): for a vCPU count and a load, the smallest async ring, in
 * pages, that keeps async losses under a target, found by running the redesign's simulator
 * on each ring size that adds slots (pages between them add none: slots are a power of two).
 */
import { REQUEST_BYTES } from "./abi.js";
import { asyncRingGeometry, MAX_ASYNC_PAGES, MIN_ASYNC_PAGES } from "./async-ring.js";
import { DEFAULT_LOSS_TARGET } from "./loss-limits.js";
import type { SimConfig } from "./sim/config.js";
import { simulate } from "./sim/simulate.js";
import { htmlTable } from "../report/html.js";
import { lineChart } from "../report/svg.js";
import { textTable } from "../report/table.js";

export interface SizeCandidate {
  pages: number;
  slots: number;
  async_loss_fraction: number;
  delivered_latency_p99_us: number;
}

export interface SizeAnswer {
  vcpus: number;
  /** Smallest pages under the target; null when even the largest ring is not. */
  pages: number | null;
  slots: number | null;
  async_loss_fraction: number;
  /** Every ring size tried, smallest first (the search stops at the first under the target). */
  candidates: SizeCandidate[];
  /** Why there is no answer (null when there is one). */
  reason: string | null;
}

/** The smallest page count for each slot count the async ring can have: 1, 2, 4, 7, 13, … pages. */
export function ringSizes(payloadBytes = REQUEST_BYTES): Array<{ pages: number; slots: number }> {
  const sizes: Array<{ pages: number; slots: number }> = [];
  for (let pages = MIN_ASYNC_PAGES; pages <= MAX_ASYNC_PAGES; pages++) {
    const slots = asyncRingGeometry(pages, payloadBytes).nrSlots;
    if (slots !== sizes.at(-1)?.slots) sizes.push({ pages, slots });
  }
  return sizes;
}

export type SizingLoad = Omit<SimConfig, "design" | "vcpus" | "pages">;

export function sizeAsyncRing(load: SizingLoad, vcpus: number, target = DEFAULT_LOSS_TARGET): SizeAnswer {
  const candidates: SizeCandidate[] = [];
  for (const { pages } of ringSizes()) {
    const r = simulate({ ...load, design: "new", vcpus, pages });
    candidates.push({ pages, slots: r.slots, async_loss_fraction: r.async_loss_fraction, delivered_latency_p99_us: r.delivered_latency_p99_us });
    if (r.async_loss_fraction < target) return { vcpus, pages, slots: r.slots, async_loss_fraction: r.async_loss_fraction, candidates, reason: null };
  }
  const offered = vcpus * (load.syncRateHz + load.asyncRateHz);
  const capacity = load.serviceUs > 0 ? 1e6 / load.serviceUs : Infinity;
  const reason = offered >= capacity
    ? `one agent serves at most ${Math.round(capacity)} events/s and ${vcpus} vCPUs offer up to ${Math.round(offered)}/s: no ring is big enough, losses are steady, not bursts`
    : `even ${MAX_ASYNC_PAGES} pages lose ${(candidates.at(-1)!.async_loss_fraction * 100).toFixed(2)} %`;
  return { vcpus, pages: null, slots: null, async_loss_fraction: candidates.at(-1)!.async_loss_fraction, candidates, reason };
}

const SIZE_HEADER = ["vcpus", "pages", "slots", "async lost", "rings tried (pages: lost)"];

function sizeRow(a: SizeAnswer): string[] {
  return [
    String(a.vcpus), a.pages === null ? "none" : String(a.pages), a.slots === null ? "-" : String(a.slots),
    `${(a.async_loss_fraction * 100).toFixed(2)}%`,
    a.candidates.map((c) => `${c.pages}: ${(c.async_loss_fraction * 100).toFixed(1)}%`).join(", "),
  ];
}

export function sizeTable(answers: readonly SizeAnswer[]): string {
  const reasons = answers.filter((a) => a.reason).map((a) => `  ${a.vcpus} vCPUs: ${a.reason}`);
  return [textTable(SIZE_HEADER, answers.map(sizeRow)), ...reasons].join("\n");
}

export function sizeChart(answers: readonly SizeAnswer[]): string {
  return lineChart({
    title: "Async losses by ring size (the redesign; one series per vCPU count)", xLabel: "async ring slots", yLabel: "fraction of async events lost", logX: true,
    series: answers.map((a) => ({ name: `${a.vcpus} vCPUs`, points: a.candidates.map((c) => [c.slots, c.async_loss_fraction] as [number, number]) })),
  });
}

export function sizeHtmlSections(answers: readonly SizeAnswer[]): string[] {
  return [sizeChart(answers), htmlTable(SIZE_HEADER, answers.map(sizeRow))];
}
