/**
 * The playground's entry: one module per section, each mounted into its <section>.
 * A section that fails to start shows its error and leaves the others working.
 */
import { mountBench } from "./bench.js";
import { messageOf } from "./dom.js";
import { mountPdx } from "./pdx.js";
import { mountVmevent } from "./vmevent.js";
import { mountXenstore } from "./xenstore.js";

const sections: Array<[id: string, mount: (root: HTMLElement) => void]> = [
  ["pdx", mountPdx],
  ["bench", mountBench],
  ["vmevent", mountVmevent],
  ["xenstore", mountXenstore],
];

const isolation = document.getElementById("isolation")!;
isolation.dataset.isolated = String(globalThis.crossOriginIsolated === true);
isolation.textContent = globalThis.crossOriginIsolated
  ? "Cross-origin isolated: the engine's shared memory reaches Web Workers."
  : "Not cross-origin isolated: serve this page with `xenmm serve` (or `npm run serve`) for the two-thread benchmark.";
isolation.className = globalThis.crossOriginIsolated ? "badge ok" : "badge warn";

for (const [id, mount] of sections) {
  const root = document.getElementById(id)!;
  try {
    mount(root);
  } catch (e) {
    root.append(Object.assign(document.createElement("p"), { className: "error", role: "alert", textContent: `This section failed to start: ${messageOf(e)}` }));
  }
}
