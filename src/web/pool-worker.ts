/**
 * Web Worker entry of WebWorkerPool: the first message instantiates the engine over the
 * shared memory, every later one is a task. Waiting on the gate is legal here (workers may
 * block; the page's main thread may not).
 */
import { instantiateEngine } from "../engine/wasm.js";
import type { WasmExports } from "../engine/abi.js";
import { arriveAndWait, runTask, type WorkerInit, type WorkerTask } from "../engine/worker-tasks.js";
import type { PoolReply } from "./web-pool.js";

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: PoolReply): void };
let init: WorkerInit | undefined;
let wasm: WasmExports | undefined;

scope.onmessage = async (e: MessageEvent<WorkerInit | WorkerTask>) => {
  try {
    if (!init) {
      init = e.data as WorkerInit;
      wasm = (await instantiateEngine(init.module, init.memory)).exports;
      scope.postMessage({ kind: "ready" });
      return;
    }
    arriveAndWait(init.gate); // start together with the other workers, so they contend
    scope.postMessage({ kind: "result", result: runTask(wasm!, e.data as WorkerTask) });
  } catch (err) {
    scope.postMessage({ kind: "error", message: (err as Error).message });
  }
};
