/**
 * Web Worker entry of the playground's ring benchmark: runs bench/ring.ts with the roles in
 * nested Web Workers (ring-workers.ts). It lives in a worker because a batch wait blocks.
 */
import { runRingBench, type RingBenchReport } from "../../bench/ring.js";
import { startWebRoles } from "./ring-workers.js";

export interface RingBenchRequest { quick: boolean }
export type RingBenchReply = { kind: "case"; name: string; done: number; total: number } | { kind: "done"; report: RingBenchReport; ms: number } | { kind: "error"; error: string };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<RingBenchRequest>) => void) | null; postMessage(m: RingBenchReply): void };

scope.onmessage = async (e) => {
  try {
    const t0 = performance.now();
    const report = await runRingBench({ startRoles: startWebRoles }, {
      quick: e.data.quick,
      onProgress: (done, total, name) => scope.postMessage({ kind: "case", name, done, total }),
    });
    scope.postMessage({ kind: "done", report, ms: performance.now() - t0 });
  } catch (err) {
    scope.postMessage({ kind: "error", error: (err as Error).message });
  }
};
