/**
 * Web Worker entry for the vm_event simulator: a sweep of both designs over a dozen vCPU
 * counts takes about a second of CPU, which would freeze the page on the main thread.
 */
import { sweep } from "../vmevent/sim/simulate.js";
import type { Design, SimConfig, SimRun } from "../vmevent/sim/config.js";

export interface SimRequest { id: number; designs: Design[]; vcpuList: number[]; base: Partial<SimConfig> }
export type SimReply = { id: number; runs: SimRun[]; ms: number } | { id: number; error: string };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<SimRequest>) => void) | null; postMessage(m: SimReply): void };

scope.onmessage = (e) => {
  const { id, designs, vcpuList, base } = e.data;
  try {
    const t0 = performance.now();
    const runs = sweep(designs, vcpuList, base);
    scope.postMessage({ id, runs, ms: performance.now() - t0 });
  } catch (err) {
    scope.postMessage({ id, error: (err as Error).message });
  }
};
