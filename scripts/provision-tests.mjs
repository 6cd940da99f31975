#!/usr/bin/env node
/**
 * Run by `npm test` (pretest) and so by .ci/run: makes sure the system tools that the
 * end-to-end tests drive are here. They are Debian's xenstore-utils (xenstore-read,
 * -write, -watch …) and Debian's C xenstored 4.17, the reference peer, which
 * test/peers/c-xenstored/setup.sh unpacks into a cache and runs under a small shim.
 * As root with apt it installs what is missing; otherwise it stops with one line naming
 * the command to run. XENMM_SKIP_SYSTEM_TESTS=1 leaves those test files out instead
 * (vitest.config.ts lists them); CI never sets it. The browser comes from npm
 * (test/support/browser.ts), so nothing here installs one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const peer = join(repo, "test/peers/c-xenstored");
const setup = join(peer, "setup.sh");
const cache = process.env.XSD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "xenmm-c-xenstored");

function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** What is missing, in words; empty when everything is here. */
function missing() {
  const gaps = [];
  if (!onPath("xenstore-read") || !onPath("xenstore-watch")) gaps.push("Debian's xenstore-utils");
  const shim = join(cache, "shim.so");
  const ready = existsSync(join(cache, "xu/usr/lib/xen-4.17/bin/xenstored")) && existsSync(shim) &&
    statSync(shim).mtimeMs >= statSync(join(peer, "shim.c")).mtimeMs;
  if (!ready) gaps.push("the C xenstored 4.17 peer");
  return gaps;
}

if (process.env.XENMM_SKIP_SYSTEM_TESTS === "1") {
  console.error("provision: XENMM_SKIP_SYSTEM_TESTS=1, so the tests that need xenstore-utils or C xenstored are left out (vitest lists them)");
  process.exit(0);
}
const gaps = missing();
if (gaps.length === 0) process.exit(0);

const root = typeof process.getuid === "function" && process.getuid() === 0;
if (!root || !onPath("apt-get")) {
  console.error(`xenmm tests need ${gaps.join(" and ")}: run 'sudo env XSD_CACHE=${cache} bash ${setup}' once (or XENMM_SKIP_SYSTEM_TESTS=1 npm test to leave those tests out)`);
  process.exit(1);
}
console.error(`provision: installing ${gaps.join(" and ")} (test/peers/c-xenstored/setup.sh) …`);
const t0 = Date.now();
const r = spawnSync("bash", [setup], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
const still = missing();
if (r.status !== 0 || still.length > 0) {
  console.error(`provision: setup.sh failed (exit ${r.status}); still missing ${still.join(" and ") || "nothing"}: run 'bash ${setup}' to see why`);
  process.exit(1);
}
console.error(`provision: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
