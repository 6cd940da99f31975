/**
 * Node adapter, worker side: a worker_threads entry that runs one role from roles.ts
 * (src/threads' Node endpoint). With a CPU in the opening (Linux), the thread first pins
 * itself to it, so that two benchmark roles never share a core (issue 12 §4); where pinning
 * is impossible it runs unpinned.
 */
import { execFileSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { nodeEndpoint } from "../../threads/node.js";
import { serve } from "../../threads/thread.js";
import type { RoleThreadInit } from "./role-group.js";
import { runRole } from "./roles.js";

function pinTo(cpu: number): void {
  try {
    const tid = readlinkSync("/proc/thread-self").split("/").at(-1)!; // "<pid>/task/<tid>"
    execFileSync("taskset", ["-p", "-c", String(cpu), tid], { stdio: "ignore", timeout: 5_000 });
  } catch {
    // No /proc, no taskset, or the CPU is not ours: unpinned is still correct, only noisier.
  }
}

serve(nodeEndpoint(parentPort!), ({ cpu }: RoleThreadInit) => {
  if (cpu !== undefined) pinTo(cpu);
  return runRole;
});
