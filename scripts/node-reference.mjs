// Writes src/web/node-reference.ts, the Node numbers the playground shows beside its own:
// pfn_to_pdx, one thread, ns per item, from a full `xenmm bench --json FILE` run (the run the
// README's pfn_to_pdx table quotes; test/docs/node-reference.test.ts keeps the two equal).
// Usage: node scripts/node-reference.mjs out/bench-pdx.json
import { readFileSync, writeFileSync } from "node:fs";

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/node-reference.mjs BENCH_JSON (from a full xenmm bench run)");
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, "utf8"));
if (report.quick) {
  console.error(`${file}: a --quick run; the playground quotes a full run`);
  process.exit(2);
}
// The README's precision: 3 decimals below 1 ns, 2 below 10, then 1.
const DECIMALS = (x) => (x < 1 ? 3 : x < 10 ? 2 : 1);
const IMPLS = ["wasm-simd", "wasm-batch", "wasm-call", "js-number", "js-bigint", "native-c"];
const ns = {};
for (const r of report.results)
  if (r.workload === "pfn_to_pdx" && r.threads === 1 && IMPLS.includes(r.impl)) ns[`${r.map} ${r.scheme} ${r.impl}`] = Number(r.ns_per_op.toFixed(DECIMALS(r.ns_per_op)));
const m = report.machine;
const run = `full run of ${m.date.slice(0, 16).replace("T", " ")} UTC (${m.runtime}, ${m.cpu}, ${m.cores} cores, git ${m.build?.git ?? "unknown"})`;
const body = Object.entries(ns).map(([k, v]) => `    ${JSON.stringify(k)}: ${v},`).join("\n");
writeFileSync(new URL("../src/web/node-reference.ts", import.meta.url), `/**
 * Node's ns per item for pfn_to_pdx, one thread, 1,000,000 items, keyed "map scheme impl":
 * the README's full run (its pfn_to_pdx table). Written by scripts/node-reference.mjs from
 * that run's JSON; do not edit by hand.
 */
export const NODE_PFN_TO_PDX: { run: string; ns: Readonly<Record<string, number>> } = {
  run: ${JSON.stringify(run)},
  ns: {
${body}
  },
};
`);
console.log(`wrote src/web/node-reference.ts: ${Object.keys(ns).length} rows from ${run}`);
