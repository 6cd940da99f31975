// `npm run bench`: every benchmark suite in turn (PDX, vm_event rings, xenstored and its soak), each
// printing its table and writing its JSON under out/. `--quick` is passed to each.
import { spawnSync } from "node:child_process";

const cli = new URL("../dist/src/cli/main.js", import.meta.url).pathname;
const quick = process.argv.includes("--quick") ? ["--quick"] : [];
// The PDX suite also times native C by default; without a compiler it lists those rows as skipped.
for (const suite of [["bench"], ["ring", "bench"], ["xenstored", "bench"], ["xenstored", "soak"]]) {
  console.log(`\n== xenmm ${suite.join(" ")} ${quick.join(" ")}`);
  const { status } = spawnSync(process.execPath, [cli, ...suite, ...quick], { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}
// xenstored against C xenstored 4.17, when its peer is provisioned (test/peers/c-xenstored/setup.sh).
const { cPeerProvisioned } = await import(new URL("../dist/bench/xenstore-c-peer.js", import.meta.url).href);
if (cPeerProvisioned()) {
  console.log(`\n== xenmm xenstored bench-vs-c ${quick.join(" ")}`);
  const { status } = spawnSync(process.execPath, [cli, "xenstored", "bench-vs-c", ...quick], { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
} else console.log("\n== xenmm xenstored bench-vs-c: skipped, C xenstored peer not provisioned (sudo test/peers/c-xenstored/setup.sh)");
// Parse time per memory-map format, 1 KB to 100 MB (1 MB with --quick): bench/parse.ts.
console.log(`\n== node dist/bench/parse.js ${quick.join(" ")}`);
const parse = spawnSync(process.execPath, [new URL("../dist/bench/parse.js", import.meta.url).pathname, ...quick], { stdio: "inherit" });
if (parse.status !== 0) process.exit(parse.status ?? 1);
