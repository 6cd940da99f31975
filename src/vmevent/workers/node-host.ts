/**
 * Node adapter, main side: spawn role workers over worker_threads, release batches, collect
 * results. Only this file and node-role-worker.ts import node:worker_threads.
 */
import { Worker } from "node:worker_threads";
import { CONTROL } from "./control.js";
import type { RoleResult, RoleSpec } from "./roles.js";

export interface RoleGroup {
  /** Releases one batch and blocks until every participating worker finished it. */
  runBatch(): void;
  /** Stops the workers and returns their results in spawn order. */
  finish(): Promise<RoleResult[]>;
}

const WORKER_URL = new URL("./node-role-worker.js", import.meta.url);

/**
 * Starts one worker per spec. `participants` in the specs must equal specs.length; `batchMembers`
 * is how many of them bump `done` per batch.
 */
export function startRoles(specs: RoleSpec[], batchMembers: number, options: { batchTimeoutMs?: number; workerUrl?: URL } = {}): RoleGroup {
  const batchTimeoutMs = options.batchTimeoutMs ?? 120_000;
  const control = new Int32Array(specs[0].control);
  const results = specs.map((spec) => new Promise<RoleResult>((resolve, reject) => {
    // Tests run this file from src/ (TypeScript), so they pass the compiled worker's URL.
    const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: spec });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => { if (code !== 0) reject(new Error(`${spec.role} worker exited with ${code}`)); });
  }));
  let failure: unknown;
  results.forEach((p) => p.catch((e) => { failure ??= e; }));
  return {
    runBatch() {
      if (failure) throw failure;
      const target = Atomics.load(control, CONTROL.done) + batchMembers;
      Atomics.add(control, CONTROL.go, 1);
      Atomics.notify(control, CONTROL.go);
      const deadline = Date.now() + batchTimeoutMs;
      for (;;) {
        const done = Atomics.load(control, CONTROL.done);
        if (done >= target) return;
        if (Date.now() > deadline) throw new Error(`batch did not finish within ${batchTimeoutMs} ms`);
        Atomics.wait(control, CONTROL.done, done, 100);
      }
    },
    async finish() {
      Atomics.store(control, CONTROL.stop, 1);
      Atomics.add(control, CONTROL.go, 1);
      Atomics.notify(control, CONTROL.go);
      return Promise.all(results);
    },
  };
}
