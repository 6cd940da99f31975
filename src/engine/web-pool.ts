/**
 * A pool of Web Workers over one engine's shared memory: the browser twin of
 * node-pool.ts, on the same gated pool (src/threads). Posting a shared Memory to a
 * worker needs a cross-origin isolated page (COOP + COEP, as `xenmm serve` sends).
 */
import { XenmmError } from "../errors.js";
import { GatedPool, openThreads } from "../threads/gated-pool.js";
import { webThread } from "../threads/web.js";
import type { Engine } from "./engine.js";
import { checkPoolArgs } from "./pool-args.js";
import { checkWorkerTask, workerInit, type EnginePool, type WorkerResult, type WorkerTask } from "./worker-tasks.js";

export class WebWorkerPool extends GatedPool<WorkerTask, WorkerResult> implements EnginePool {
  static async create(engine: Engine, size: number): Promise<WebWorkerPool> {
    checkPoolArgs("WebWorkerPool.create", engine, size);
    if (!globalThis.crossOriginIsolated)
      throw new XenmmError("WebWorkerPool: this context is not cross-origin isolated, so the shared engine memory cannot reach Web Workers; serve the page with `xenmm serve` (in Node, use NodeWorkerPool from xenmm/node)");
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    const threads = Array.from({ length: size }, () => webThread(new Worker(new URL("./web-worker.js", import.meta.url), { type: "module", name: "xenmm-engine" }), "engine worker"));
    return new WebWorkerPool(await openThreads(threads, workerInit(engine)), checkWorkerTask);
  }
}
