/**
 * Node adapter, worker side: a worker_threads entry that runs one role from roles.ts and
 * posts its result. (A Web Worker would do the same with `onmessage`/`postMessage`.)
 * With `cpu` set (Linux), the thread first pins itself to that CPU, so that two benchmark
 * roles never share a core (issue 12 §4); where pinning is impossible it runs unpinned.
 */
import { execFileSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { runRole, type RoleSpec } from "./roles.js";

const { cpu, ...spec } = workerData as RoleSpec & { cpu?: number };
if (cpu !== undefined) {
  try {
    const tid = readlinkSync("/proc/thread-self").split("/").at(-1)!; // "<pid>/task/<tid>"
    execFileSync("taskset", ["-p", "-c", String(cpu), tid], { stdio: "ignore", timeout: 5_000 });
  } catch {
    // No /proc, no taskset, or the CPU is not ours: unpinned is still correct, only noisier.
  }
}
parentPort!.postMessage(runRole(spec as RoleSpec));
