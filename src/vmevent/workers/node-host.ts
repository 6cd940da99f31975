/**
 * Node adapter, main side: spawn role workers over worker_threads; role-group.ts releases
 * batches and collects results. Only this file and node-role-worker.ts import node:worker_threads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { roleGroup, type RoleGroup } from "./role-group.js";
import type { RoleResult, RoleSpec } from "./roles.js";

export type { RoleGroup } from "./role-group.js";

const WORKER_URL = new URL("./node-role-worker.js", import.meta.url);

/**
 * Starts one worker per spec. `participants` in the specs must equal specs.length; `batchMembers`
 * is how many of them bump `done` per batch.
 */
export function startRoles(specs: RoleSpec[], batchMembers: number, options: { batchTimeoutMs?: number; workerUrl?: URL; pinToCpus?: boolean } = {}): RoleGroup {
  const cpus = availableParallelism();
  const results = specs.map((spec, i) => new Promise<RoleResult>((resolve, reject) => {
    // pinToCpus: worker i on CPU i (mod the CPUs), so two roles never share a core.
    const workerData = options.pinToCpus ? { ...spec, cpu: i % cpus } : spec;
    // Tests run this file from src/ (TypeScript), so they pass the compiled worker's URL.
    const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => { if (code !== 0) reject(new Error(`${spec.role} worker exited with ${code}`)); });
  }));
  return roleGroup(new Int32Array(specs[0].control), specs.length, batchMembers, results, options.batchTimeoutMs);
}
