/**
 * The real SharedArrayBuffer ring workers in the browser (issue 12 §4): a RoleHost that runs
 * each role of src/vmevent/workers/roles.ts in its own Web Worker (src/threads' browser
 * adapter), for bench/ring.ts. The batch wait blocks, so this host is used from a worker
 * (ring-bench-worker.ts), never the page.
 */
import { webThread } from "../threads/web.js";
import { roleGroup, runRoleThread, type RoleGroup } from "../vmevent/workers/role-group.js";
import type { RoleSpec } from "../vmevent/workers/roles.js";

export function startWebRoles(specs: RoleSpec[], batchMembers: number): RoleGroup {
  const results = specs.map((spec) => {
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    const worker = new Worker(new URL("./ring-role-worker.ts", import.meta.url), { type: "module", name: `xenmm-${spec.role}` });
    return runRoleThread(webThread(worker, `${spec.role} worker`), spec);
  });
  return roleGroup(new Int32Array(specs[0].control), specs.length, batchMembers, results);
}
