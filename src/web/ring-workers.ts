/**
 * The real SharedArrayBuffer ring workers in the browser (issue 12 §4): a RoleHost that runs
 * each role of src/vmevent/workers/roles.ts in its own Web Worker, for bench/ring.ts. The batch
 * wait blocks, so this host is used from a worker (ring-bench-worker.ts), never the page.
 */
import { roleGroup, type RoleGroup } from "../vmevent/workers/role-group.js";
import type { RoleResult, RoleSpec } from "../vmevent/workers/roles.js";

export function startWebRoles(specs: RoleSpec[], batchMembers: number): RoleGroup {
  const results = specs.map((spec) => new Promise<RoleResult>((resolve, reject) => {
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    const worker = new Worker(new URL("./ring-role-worker.ts", import.meta.url), { type: "module", name: `xenmm-${spec.role}` });
    worker.onmessage = (e: MessageEvent<RoleResult | { error: string }>) => {
      worker.terminate();
      if ("error" in e.data) reject(new Error(`${spec.role}: ${e.data.error}`));
      else resolve(e.data);
    };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(`${spec.role} worker failed: ${e.message}`)); };
    worker.postMessage(spec);
  }));
  return roleGroup(new Int32Array(specs[0].control), specs.length, batchMembers, results);
}
