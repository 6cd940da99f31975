// `npm run bench`: every benchmark suite in turn (PDX, vm_event rings, xenstored and its soak,
// xenstored against C, memory-map parsing), each printing its table and writing its JSON
// under out/. `--quick` is passed to each.
import { spawnSync } from "node:child_process";

const cli = new URL("../dist/src/cli/main.js", import.meta.url).pathname;
const quick = process.argv.includes("--quick") ? ["--quick"] : [];
const { cPeerProvisioned } = await import(new URL("../dist/bench/xenstore-c-peer.js", import.meta.url).href);

const suites = [
  ["bench"], // the PDX suite also times native C by default; without a compiler it lists those rows as skipped
  ["ring", "bench"],
  ["xenstored", "bench"],
  ["xenstored", "soak"],
  // against C xenstored 4.17, when its peer is provisioned (test/peers/c-xenstored/setup.sh)
  ...(cPeerProvisioned() ? [["xenstored", "bench-vs-c"]] : []),
  ["bench", "--parse"], // parse time per memory-map format, 1 KB to 100 MB (1 MB with --quick)
];
if (!cPeerProvisioned()) console.log("== xenmm xenstored bench-vs-c: skipped, C xenstored peer not provisioned (sudo test/peers/c-xenstored/setup.sh)");
for (const suite of suites) {
  console.log(`\n== xenmm ${[...suite, ...quick].join(" ")}`);
  const { status } = spawnSync(process.execPath, [cli, ...suite, ...quick], { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}
