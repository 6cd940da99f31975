/**
 * A pool of Node worker_threads over one engine's shared memory. `run` gives each
 * worker a task and opens a gate so all start at once; resolves with every result.
 */
import { Worker } from "node:worker_threads";
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { describeValue } from "../u64.js";
import { Engine } from "./engine.js";
import { checkWorkerTask, GATE_ARRIVED, GATE_OPEN, GATE_SLOTS, type EnginePool, type WorkerInit, type WorkerResult, type WorkerTask } from "./worker-tasks.js";

/** Threads are real: more than this is a mistake, not a workload (each costs ~10 MB). */
const MAX_POOL_WORKERS = 256;

export class NodeWorkerPool implements EnginePool {
  private constructor(private readonly workers: Worker[], private readonly gate: Int32Array) {}

  static async create(engine: Engine, size: number): Promise<NodeWorkerPool> {
    if (!(engine instanceof Engine)) throw new InvalidArgumentError("NodeWorkerPool.create(engine)", `expected an Engine, got ${describeValue(engine)}`);
    intIn("NodeWorkerPool.create(size)", size, 1, MAX_POOL_WORKERS);
    const gate = new Int32Array(new SharedArrayBuffer(GATE_SLOTS * 4));
    const init: WorkerInit = { module: engine.module, memory: engine.memory, gate };
    const workers = Array.from({ length: size }, () => new Worker(new URL("./node-worker.js", import.meta.url), { workerData: init }));
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once("message", () => resolve());
      w.once("error", reject);
    })));
    return new NodeWorkerPool(workers, gate);
  }

  get size(): number { return this.workers.length; }

  /** Runs tasks[i] on worker i, all released together. */
  async run(tasks: WorkerTask[]): Promise<WorkerResult[]> {
    if (!Array.isArray(tasks) || tasks.length > this.workers.length)
      throw new InvalidArgumentError("run(tasks)", `expected an array of at most ${this.workers.length} tasks (one per worker), got ${describeValue(tasks)}`);
    tasks.forEach(checkWorkerTask);
    Atomics.store(this.gate, GATE_OPEN, 0);
    Atomics.store(this.gate, GATE_ARRIVED, 0);
    const results = tasks.map((task, i) => new Promise<WorkerResult>((resolve, reject) => {
      const w = this.workers[i];
      const onError = (e: Error) => reject(e);
      w.once("message", (r: WorkerResult) => { w.off("error", onError); resolve(r); });
      w.once("error", onError);
      w.postMessage(task);
    }));
    // Node's main thread may block: wait (briefly) until every worker is at the gate.
    for (let arrived = 0; (arrived = Atomics.load(this.gate, GATE_ARRIVED)) < tasks.length; ) Atomics.wait(this.gate, GATE_ARRIVED, arrived, 1000);
    Atomics.store(this.gate, GATE_OPEN, 1);
    Atomics.notify(this.gate, GATE_OPEN);
    return Promise.all(results);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
