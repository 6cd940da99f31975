/**
 * Work a thread does on the shared engine memory: the same code runs in Node
 * worker_threads (node-worker.ts) and browser Web Workers (web-worker.ts), both served
 * by src/threads. Each thread instantiates the compiled module over the shared Memory;
 * only numbers and addresses cross threads.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn, oneOf } from "../options.js";
import { describeValue } from "../u64.js";
import type { WasmExports } from "./abi.js";
import { instantiateEngine } from "./wasm.js";

export type WorkerTask =
  /** `rounds` × (get_page on every MFN of the batch, then put_page on every one). */
  | { kind: "getput"; ctx: number; src: number; n: number; rounds: number }
  /** `rounds` × get_page on every MFN of the batch (references are kept). */
  | { kind: "get"; ctx: number; src: number; n: number; rounds: number }
  /** `rounds` × one batch conversion (`op` as exported by the module). */
  | { kind: "convert"; ctx: number; op: number; src: number; dst: number; n: number; rounds: number; kernel: "simd" | "scalar" };

export interface WorkerResult {
  /** Successful get_page + put_page calls, or items converted. */
  done: number;
  /** Wall time inside the worker, milliseconds. */
  ms: number;
}

/**
 * Runs a task on one thread. Addresses are trusted (the pool computed them from live
 * regions); the task's shape is checked so a malformed message fails with a typed error.
 */
export function runTask(wasm: WasmExports, task: WorkerTask): WorkerResult {
  if (wasm === null || typeof wasm !== "object" || typeof wasm.get_page_batch !== "function")
    throw new InvalidArgumentError("runTask(wasm)", `expected the engine's WASM exports, got ${describeValue(wasm)}`);
  checkWorkerTask(task);
  const t0 = performance.now();
  let done = 0;
  for (let r = 0; r < task.rounds; r++) {
    if (task.kind === "getput" || task.kind === "get") {
      done += wasm.get_page_batch(task.ctx, task.src, task.n);
      if (task.kind === "getput") done += wasm.put_page_batch(task.ctx, task.src, task.n);
    } else {
      (task.kernel === "simd" ? wasm.convert_batch : wasm.convert_batch_scalar)(task.ctx, task.op, task.src, task.dst, task.n);
      done += task.n;
    }
  }
  return { done, ms: performance.now() - t0 };
}

const TASK_KINDS = ["getput", "get", "convert"] as const;
const WASM32_BYTES = 2 ** 32;

/** A task's shape (pools check before posting, so the caller gets the typed error). */
export function checkWorkerTask(task: WorkerTask): void {
  if (task === null || typeof task !== "object") throw new InvalidArgumentError("runTask(task)", `expected a WorkerTask, got ${describeValue(task)}`);
  oneOf("task.kind", task.kind, TASK_KINDS);
  for (const field of ["ctx", "src", "n"] as const) intIn(`task.${field}`, task[field], 0, WASM32_BYTES);
  intIn("task.rounds", task.rounds, 0, 1e9);
  if (task.kind === "convert") {
    intIn("task.dst", task.dst, 0, WASM32_BYTES);
    intIn("task.op", task.op, 0, 255);
    oneOf("task.kernel", task.kernel, ["simd", "scalar"]);
  }
}

/** What opens an engine thread: the compiled module and the shared memory to instantiate it over. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

export function workerInit(engine: { module: WebAssembly.Module; memory: WebAssembly.Memory }): WorkerInit {
  return { module: engine.module, memory: engine.memory };
}

/** An engine thread's setup (threads/thread.ts `serve`): instantiate, then run each task. */
export async function engineThread(init: WorkerInit): Promise<(task: WorkerTask) => WorkerResult> {
  const { exports } = await instantiateEngine(init.module, init.memory);
  return (task) => runTask(exports, task);
}

/** Threads over one engine's memory: Node worker_threads (node-pool.ts) or Web Workers (web-pool.ts). */
export interface EnginePool {
  readonly size: number;
  /** Runs tasks[i] on thread i, all released together; resolves with every result. */
  run(tasks: WorkerTask[]): Promise<WorkerResult[]>;
  close(): Promise<void>;
}
