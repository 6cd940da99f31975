/**
 * The @releaseDomain storm, both designs side by side (src/xenstore/release-storm.ts):
 * N domains, M listeners, K deaths; how many domctl queries, how long the lock is held,
 * how many watch events are delivered and how many of them were irrelevant.
 */
import { barChart } from "../report/svg.js";
import { simulateReleaseStorm, type StormRun } from "../xenstore/release-storm.js";
import { chart, fill, h, messageOf, table } from "./dom.js";

function numberField(label: string, testid: string, value: number, max: number): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const input = h("input", { type: "number", min: 0, max, step: 1, value, "data-testid": testid, inputmode: "numeric" });
  return { wrap: h("label", { class: "field" }, h("span", {}, label), input), input };
}

export function mountStorm(root: HTMLElement): void {
  const domains = numberField("Domains (N)", "storm-domains", 1000, 100_000);
  const listeners = numberField("Listeners (M)", "storm-listeners", 2000, 1_000_000);
  const deaths = numberField("Deaths (K)", "storm-deaths", 1000, 100_000);
  const result = h("div", { "data-testid": "storm-result" });

  const run = () => {
    try {
      const p = { domains: Number(domains.input.value), listeners: Number(listeners.input.value), deaths: Number(deaths.input.value) };
      const runs: StormRun[] = (["legacy", "new"] as const).map((design) => simulateReleaseStorm({ ...p, design }));
      const [legacy, neu] = runs as [StormRun, StormRun];
      fill(result,
        table(["design", "domctl queries", "lock held", "events delivered", "irrelevant events"],
          runs.map((r) => [r.design, r.queries.toLocaleString("en"), `${r.lock_hold_ms.toLocaleString("en")} ms`, r.events_delivered.toLocaleString("en"), r.events_irrelevant.toLocaleString("en")]),
          { class: "mono" }),
        chart(barChart({
          title: `Release storm: ${p.domains} domains, ${p.listeners} listeners, ${p.deaths} deaths`, unit: "count", log: true,
          labels: ["domctl queries", "events delivered", "irrelevant events"],
          series: runs.map((r) => ({ name: r.design, values: [r.queries, r.events_delivered, r.events_irrelevant].map((v) => Math.max(v, 1)) })),
        }), "storm-chart", `legacy needs ${(legacy.queries / Math.max(neu.queries, 1)).toFixed(0)}× the queries of the new design (zero counts drawn as 1 on the log axis).`));
    } catch (e) {
      fill(result, h("p", { class: "error", role: "alert" }, messageOf(e)));
    }
  };
  for (const f of [domains, listeners, deaths]) f.input.addEventListener("change", run);

  fill(root,
    h("h3", {}, "Release storm: legacy @releaseDomain vs @releaseDomain/<domid>"),
    h("p", { class: "help" }, "Legacy: every death fires one plain @releaseDomain to every listener, and each re-queries every domain it knows. New: xenstored asks the hypervisor which domain changed and fires a path only that domain's listeners watch."),
    h("div", { class: "controls" }, domains.wrap, listeners.wrap, deaths.wrap),
    result);
  run();
}
