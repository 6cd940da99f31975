/**
 * The @releaseDomain storm, both designs side by side (src/xenstore/release-storm.ts):
 * N domains, M listeners, K deaths; how many domctl queries, how long the lock is held,
 * how many watch events are delivered and how many of them were irrelevant.
 */
import { simulateReleaseStorm, type StormRun } from "../xenstore/release-storm.js";
import { STORM_HEADER, STORM_LIMITS, checkStormSize, designsOf, stormBars, stormRow } from "../xenstore/storm-report.js";
import { chart, fill, h, messageOf, table } from "./dom.js";

function numberField(label: string, testid: string, value: number, max: number): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const input = h("input", { type: "number", min: 0, max, step: 1, value, "data-testid": testid, inputmode: "numeric" });
  return { wrap: h("label", { class: "field" }, h("span", {}, label), input), input };
}

export function mountStorm(root: HTMLElement): void {
  const domains = numberField("Domains (N)", "storm-domains", 1000, STORM_LIMITS.domains);
  const listeners = numberField("Listeners (M)", "storm-listeners", 2000, STORM_LIMITS.listeners);
  const deaths = numberField("Deaths (K)", "storm-deaths", 1000, STORM_LIMITS.domains);
  const result = h("div", { "data-testid": "storm-result" });

  const run = () => {
    try {
      const p = { domains: Number(domains.input.value), listeners: Number(listeners.input.value), deaths: Number(deaths.input.value) };
      checkStormSize(p);
      const runs = designsOf("both").map((design) => simulateReleaseStorm({ ...p, design }));
      const [legacy, neu] = runs as [StormRun, StormRun];
      fill(result,
        table(STORM_HEADER, runs.map((r) => stormRow(r, (v) => v.toLocaleString("en"))), { class: "mono" }),
        chart(stormBars(runs), "storm-chart",
          `legacy needs ${(legacy.queries / Math.max(neu.queries, 1)).toFixed(0)}× the queries of the new design (zero counts drawn as 1 on the log axis).`));
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
