/**
 * Web Worker entry of the playground's PDX benchmark (issue 13 §3): the suite's one-thread
 * rows of bench/pdx.ts, run off the page's main thread, so the page can set them beside
 * its own main-thread rows and Node's (a worker has no rendering, input or timer clamping
 * of a page's main thread to share the core with).
 */
import { runPdxBench, type PdxBenchReport } from "../../bench/pdx.js";
import type { ArchName } from "../arch.js";
import { Engine } from "../engine/engine.js";

export interface BenchWorkerRequest { quick: boolean; items: number; arch: ArchName }
export type BenchWorkerReply =
  | { kind: "progress"; done: number; total: number; label: string }
  | { kind: "done"; report: PdxBenchReport; ms: number }
  | { kind: "error"; error: string };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<BenchWorkerRequest>) => void) | null; postMessage(m: BenchWorkerReply): void };

scope.onmessage = async (e) => {
  try {
    const t0 = performance.now();
    // The page's engine arch, so the two runs time the same cases; no pool: one thread only.
    const engine = await Engine.create({ arch: e.data.arch });
    const report = await runPdxBench(engine, {
      quick: e.data.quick, items: e.data.items,
      onProgress: (done, total, label) => scope.postMessage({ kind: "progress", done, total, label }),
    });
    scope.postMessage({ kind: "done", report, ms: performance.now() - t0 });
  } catch (err) {
    scope.postMessage({ kind: "error", error: (err as Error).message });
  }
};
