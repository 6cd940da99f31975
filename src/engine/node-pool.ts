/**
 * A pool of Node worker_threads over one engine's shared memory (src/threads' gated pool):
 * `run` gives each worker a task and opens a gate so all start at once.
 */
import { Worker } from "node:worker_threads";
import { GatedPool, openThreads } from "../threads/gated-pool.js";
import { nodeThread } from "../threads/node.js";
import type { Engine } from "./engine.js";
import { checkPoolArgs } from "./pool-args.js";
import { checkWorkerTask, workerInit, type EnginePool, type WorkerResult, type WorkerTask } from "./worker-tasks.js";

export class NodeWorkerPool extends GatedPool<WorkerTask, WorkerResult> implements EnginePool {
  static async create(engine: Engine, size: number): Promise<NodeWorkerPool> {
    checkPoolArgs("NodeWorkerPool.create", engine, size);
    const threads = Array.from({ length: size }, () => nodeThread(new Worker(new URL("./node-worker.js", import.meta.url)), "engine worker"));
    return new NodeWorkerPool(await openThreads(threads, workerInit(engine)), checkWorkerTask);
  }
}
