/**
 * A pool of Node worker_threads over one engine's shared memory (src/threads' gated pool):
 * `run` gives each worker a task and opens a gate so all start at once.
 */
import { Worker } from "node:worker_threads";
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { GatedPool, openThreads } from "../threads/gated-pool.js";
import { nodeThread } from "../threads/node.js";
import { describeValue } from "../u64.js";
import { Engine } from "./engine.js";
import { checkWorkerTask, workerInit, type EnginePool, type WorkerResult, type WorkerTask } from "./worker-tasks.js";

/** Threads are real: more than this is a mistake, not a workload (each costs ~10 MB). */
const MAX_POOL_WORKERS = 256;

export class NodeWorkerPool extends GatedPool<WorkerTask, WorkerResult> implements EnginePool {
  static async create(engine: Engine, size: number): Promise<NodeWorkerPool> {
    if (!(engine instanceof Engine)) throw new InvalidArgumentError("NodeWorkerPool.create(engine)", `expected an Engine, got ${describeValue(engine)}`);
    intIn("NodeWorkerPool.create(size)", size, 1, MAX_POOL_WORKERS);
    const threads = Array.from({ length: size }, () => nodeThread(new Worker(new URL("./node-worker.js", import.meta.url)), "engine worker"));
    return new NodeWorkerPool(await openThreads(threads, workerInit(engine)), checkWorkerTask);
  }
}
