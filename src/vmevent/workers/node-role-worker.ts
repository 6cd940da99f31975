/**
 * Node adapter, worker side: a worker_threads entry that runs one role from roles.ts
 * (src/threads' Node endpoint). With a CPU in the opening (Linux), the thread first pins
 * itself to it, so that two benchmark roles never share a core (issue 12 §4); where pinning
 * is impossible it runs unpinned. Each result says where the thread was allowed to run,
 * read by the thread itself once its role is done, so a benchmark can show the pinning held.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { nodeEndpoint } from "../../threads/node.js";
import { serve } from "../../threads/thread.js";
import type { RoleThreadInit } from "./role-group.js";
import { runRole, type RoleResult, type RoleSpec } from "./roles.js";

function pinTo(cpu: number): void {
  try {
    const tid = readlinkSync("/proc/thread-self").split("/").at(-1)!; // "<pid>/task/<tid>"
    execFileSync("taskset", ["-p", "-c", String(cpu), tid], { stdio: "ignore", timeout: 5_000 });
  } catch {
    // No /proc, no taskset, or the CPU is not ours: unpinned is still correct, only noisier.
  }
}

/** This thread's Cpus_allowed_list (e.g. "1" or "0-1"), or null where /proc is not there. */
function cpusAllowed(): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync("/proc/thread-self/status", "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

serve(nodeEndpoint(parentPort!), ({ cpu }: RoleThreadInit) => {
  if (cpu !== undefined) pinTo(cpu);
  return (spec: RoleSpec): RoleResult => ({ ...runRole(spec), thread: { requested_cpu: cpu ?? null, cpus_allowed: cpusAllowed() } });
});
