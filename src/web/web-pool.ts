/**
 * A pool of Web Workers over one engine's shared memory: the browser twin of
 * engine/node-pool.ts. Each worker instantiates the same compiled module over the same
 * WebAssembly.Memory (pool-worker.ts); `run` gives each a task and opens a gate so all
 * start at once. Posting a shared Memory to a worker needs a cross-origin isolated page
 * (COOP + COEP, as `xenmm serve` sends).
 */
import type { Engine } from "../engine/engine.js";
import { GATE_ARRIVED, GATE_OPEN, GATE_SLOTS, type EnginePool, type WorkerInit, type WorkerResult, type WorkerTask } from "../engine/worker-tasks.js";

/** What a pool worker posts back: "ready" once instantiated, then one result per task. */
export type PoolReply = { kind: "ready" } | { kind: "result"; result: WorkerResult } | { kind: "error"; message: string };

/*
 * The start gate (WorkerInit.gate, slots in worker-tasks.ts). The page cannot block, so it
 * awaits GATE_ARRIVED with Atomics.waitAsync instead of sleeping a fixed time: a fixed
 * sleep would be timed by the benchmark's two-thread rows.
 */

type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };

/** Resolves once gate[GATE_ARRIVED] ≥ n. */
async function arrivals(gate: Int32Array, n: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  for (let seen = Atomics.load(gate, GATE_ARRIVED); seen < n; seen = Atomics.load(gate, GATE_ARRIVED)) {
    if (waitAsync) {
      const w = waitAsync(gate, GATE_ARRIVED, seen, 1000);
      if (w.async) await w.value;
    } else {
      await new Promise((r) => setTimeout(r, 0)); // browsers without waitAsync: poll
    }
  }
}

export class WebWorkerPool implements EnginePool {
  private constructor(private readonly workers: Worker[], private readonly gate: Int32Array) {}

  static async create(engine: Engine, size: number): Promise<WebWorkerPool> {
    if (!globalThis.crossOriginIsolated)
      throw new Error("this page is not cross-origin isolated, so the shared engine memory cannot reach Web Workers; serve it with `xenmm serve`");
    const gate = new Int32Array(new SharedArrayBuffer(GATE_SLOTS * 4));
    const init: WorkerInit = { module: engine.module, memory: engine.memory, gate };
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    const workers = Array.from({ length: size }, () => new Worker(new URL("./pool-worker.ts", import.meta.url), { type: "module", name: "xenmm-engine" }));
    try {
      await Promise.all(workers.map((w) => reply(w, () => w.postMessage(init))));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new WebWorkerPool(workers, gate);
  }

  get size(): number { return this.workers.length; }

  /** Runs tasks[i] on worker i, all released together. */
  async run(tasks: WorkerTask[]): Promise<WorkerResult[]> {
    if (tasks.length > this.workers.length) throw new RangeError(`${tasks.length} tasks for ${this.workers.length} workers`);
    Atomics.store(this.gate, GATE_OPEN, 0);
    Atomics.store(this.gate, GATE_ARRIVED, 0);
    const results = tasks.map((task, i) => reply(this.workers[i]!, () => this.workers[i]!.postMessage(task)));
    // Open the gate once every worker waits at it, so they start (and contend) together.
    await Promise.race([arrivals(this.gate, tasks.length), Promise.all(results)]);
    Atomics.store(this.gate, GATE_OPEN, 1);
    Atomics.notify(this.gate, GATE_OPEN);
    const replies = await Promise.all(results);
    return replies.map((r) => (r as { result: WorkerResult }).result);
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.terminate();
  }
}

/** Sends a message and resolves with the worker's next reply; rejects on an error reply or a crash. */
function reply(w: Worker, send: () => void): Promise<PoolReply> {
  return new Promise((resolve, reject) => {
    const done = () => { w.removeEventListener("message", onMessage); w.removeEventListener("error", onError); };
    const onMessage = (e: MessageEvent<PoolReply>) => {
      done();
      if (e.data.kind === "error") reject(new Error(`engine worker: ${e.data.message}`));
      else resolve(e.data);
    };
    const onError = (e: ErrorEvent) => { done(); reject(new Error(`engine worker failed: ${e.message || "could not load"}`)); };
    w.addEventListener("message", onMessage);
    w.addEventListener("error", onError);
    send();
  });
}
