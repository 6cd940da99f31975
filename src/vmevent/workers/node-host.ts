/**
 * Node adapter, main side: spawn role workers over worker_threads (src/threads' Node
 * adapter); role-group.ts releases batches and collects results. Only this file and
 * node-role-worker.ts import node:worker_threads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { nodeThread } from "../../threads/node.js";
import { roleGroup, runRoleThread, type RoleGroup } from "./role-group.js";
import type { RoleResult, RoleSpec } from "./roles.js";

export type { RoleGroup } from "./role-group.js";

const WORKER_URL = new URL("./node-role-worker.js", import.meta.url);

/**
 * Starts one worker per spec. `participants` in the specs must equal specs.length; `batchMembers`
 * is how many of them bump `done` per batch.
 */
export function startRoles(specs: RoleSpec[], batchMembers: number, options: { batchTimeoutMs?: number; workerUrl?: URL; pinToCpus?: boolean } = {}): RoleGroup {
  const cpus = availableParallelism();
  const results = specs.map((spec, i): Promise<RoleResult> => {
    // Tests run this file from src/ (TypeScript), so they pass the compiled worker's URL.
    const thread = nodeThread(new Worker(options.workerUrl ?? WORKER_URL), `${spec.role} worker`);
    // pinToCpus: worker i on CPU i (mod the CPUs), so two roles never share a core.
    return runRoleThread(thread, spec, options.pinToCpus ? i % cpus : undefined);
  });
  return roleGroup(new Int32Array(specs[0].control), specs.length, batchMembers, results, options.batchTimeoutMs);
}
