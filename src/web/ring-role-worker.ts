/** Web Worker entry: runs one ring role (the same code as Node's worker_threads) and posts its result. */
import { runRole, type RoleSpec } from "../vmevent/workers/roles.js";

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<RoleSpec>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e) => {
  try {
    scope.postMessage(runRole(e.data));
  } catch (err) {
    scope.postMessage({ error: (err as Error).message });
  }
};
