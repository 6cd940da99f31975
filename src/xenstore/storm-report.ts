/**
 * What the release-storm model shows a user, stated once: the input limits, the design
 * choices and names, the run table and the sweep's charts and page. `xenmm xenstored sim`
 * and the playground's storm panel only format it. Runtime-neutral (strings only).
 */
import { InvalidArgumentError } from "../errors.js";
import { htmlPage, htmlTable } from "../report/html.js";
import { barChart, lineChart } from "../report/svg.js";
import { textTable } from "../report/table.js";
import { DESIGNS, type Design } from "./interfaces.js";
import type { StormParams, StormRun } from "./release-storm.js";

/** The largest inputs the CLI and the page accept (the counting model is O(domains)). */
export const STORM_LIMITS = {
  domains: 1_000_000,
  listeners: 1_000_000,
  /** The sweep's largest N (`--max-domains`); the sweep runs listeners = deaths = N. */
  sweepDomains: 100_000,
  /** Microseconds, for `--query-cost-us` and `--hop-us`. */
  costUs: 1e6,
} as const;

/** The sweep's N, up to its largest (which is always included). */
export function sweepSizes(max: number): number[] {
  const sizes = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000].filter((n) => n <= max);
  if (!sizes.includes(max)) sizes.push(max);
  return sizes;
}

/** The counts a user may ask for, within STORM_LIMITS (deaths at most domains). */
export function checkStormSize(p: Pick<StormParams, "domains" | "listeners" | "deaths">): void {
  const max = { domains: STORM_LIMITS.domains, listeners: STORM_LIMITS.listeners, deaths: p.domains };
  for (const k of ["domains", "listeners", "deaths"] as const)
    if (!Number.isSafeInteger(p[k]) || p[k] < 0 || p[k] > max[k]) throw new InvalidArgumentError(k, `must be an integer within 0..${max[k]}`);
}

/** `--design`: one design, legacy and new ("both"), or every design ("all"). */
export const DESIGN_CHOICES = [...DESIGNS, "both", "all"] as const;
export type DesignChoice = (typeof DESIGN_CHOICES)[number];

export function designsOf(choice: DesignChoice): readonly Design[] {
  return choice === "all" ? DESIGNS : choice === "both" ? ["legacy", "new"] : [choice];
}

/** What each design does, in a chart legend's few words. */
export const DESIGN_NAMES: Readonly<Record<Design, string>> = {
  legacy: "legacy @releaseDomain + getinfo scans",
  new: "new get_domain_state + @releaseDomain/<domid>",
  toolstack: "toolstack binds the VIRQ, XS_RELEASE + @releaseDomain/<domid>",
};

export const STORM_HEADER = [
  "design", "domains", "listeners", "deaths", "queries", "lock hold ms", "events delivered", "events irrelevant",
  "delay mean µs", "delay max µs",
];

/** One table row; `num` formats the counts (the page groups digits). */
export function stormRow(r: StormRun, num: (v: number) => string = String): string[] {
  return [r.design, ...[r.domains, r.listeners, r.deaths, r.queries, r.lock_hold_ms, r.events_delivered, r.events_irrelevant,
    r.notify_delay_us_mean, r.notify_delay_us_max].map(num)];
}

export function stormTable(runs: StormRun[]): string {
  return textTable(STORM_HEADER, runs.map((r) => stormRow(r)));
}

/** The page's bar chart: queries and events of each design for one scenario, log scale. */
export function stormBars(runs: StormRun[]): string {
  const [first] = runs;
  return barChart({
    title: first ? `Release storm: ${first.domains} domains, ${first.listeners} listeners, ${first.deaths} deaths` : "Release storm",
    unit: "count", log: true,
    labels: ["domctl queries", "events delivered", "irrelevant events"],
    // Zero counts are drawn as 1 on the log axis.
    series: runs.map((r) => ({ name: r.design, values: [r.queries, r.events_delivered, r.events_irrelevant].map((v) => Math.max(v, 1)) })),
  });
}

const SWEEP_X = "domains (= listeners = deaths)";

/** One log-log line per design of `pick` against N. */
function sweepChart(runs: StormRun[], title: string, yLabel: string, pick: (r: StormRun) => number, floor: number, names?: Readonly<Record<Design, string>>): string {
  return lineChart({
    title, xLabel: SWEEP_X, yLabel, logX: true, logY: true,
    series: DESIGNS.map((d) => ({
      name: names?.[d] ?? d,
      points: runs.filter((r) => r.design === d).map((r) => [r.domains, Math.max(pick(r), floor)] as [number, number]),
    })).filter((s) => s.points.length > 0),
  });
}

/** The README chart: domctl queries of every design against N. */
export function queriesChart(runs: StormRun[]): string {
  return sweepChart(runs, "Release storm: domctl queries when every one of N domains dies (N listeners)", "queries", (r) => r.queries, 1, DESIGN_NAMES);
}

/** The sweep's HTML page: four charts and the table. */
export function sweepPage(runs: StormRun[], queryCostUs: number): string {
  const tiny = 1e-6; // zero on a log axis
  return htmlPage("xenstored release storm: legacy @releaseDomain vs @releaseDomain/<domid> vs toolstack-bound VIRQ", [
    `<p>Every domain dies once; each has one listener. legacy: plain <code>@releaseDomain</code>, every listener re-scans all domains with getinfo under the domctl lock. new: <code>XEN_DOMCTL_get_domain_state</code> changed-domain polling and per-domain <code>@releaseDomain/&lt;domid&gt;</code> watches. toolstack: the toolstack binds VIRQ_DOM_EXC, polls the same stable interface and sends <code>XS_RELEASE</code>. Query cost ${queryCostUs} µs.</p>`,
    sweepChart(runs, "domctl queries", "queries", (r) => r.queries, tiny),
    sweepChart(runs, "domctl lock hold time", "ms", (r) => r.lock_hold_ms, tiny),
    sweepChart(runs, "watch events delivered", "events", (r) => r.events_delivered, tiny),
    sweepChart(runs, "mean delay from death to the listener's notification", "µs", (r) => r.notify_delay_us_mean, tiny),
    htmlTable(STORM_HEADER, runs.map((r) => stormRow(r))),
  ]);
}
