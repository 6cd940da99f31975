/**
 * The main side of a group of role workers, whatever spawned them (worker_threads in
 * node-host.ts, Web Workers in src/web/ring-workers.ts): release batches, wait for them, stop
 * the workers and collect their results. Runtime-neutral.
 */
import { awaitCountAsync } from "../../threads/barrier.js";
import { runOnce, type Thread } from "../../threads/thread.js";
import { CONTROL } from "./control.js";
import type { RoleResult, RoleSpec } from "./roles.js";

/** What opens a role thread: on Linux, the CPU it pins itself to (Node only). */
export interface RoleThreadInit { cpu?: number }

/** Runs one role on its own thread (its entry serves roles.ts `runRole`) and ends the thread. */
export function runRoleThread(thread: Thread, spec: RoleSpec, cpu?: number): Promise<RoleResult> {
  return runOnce<RoleThreadInit>(thread, { init: { cpu } }, spec) as Promise<RoleResult>;
}

export interface RoleGroup {
  /** Releases one batch and blocks until every participating worker finished it. */
  runBatch(): void;
  /** Stops the workers and returns their results in spawn order. */
  finish(): Promise<RoleResult[]>;
  /** Resolves once every worker has started (a host whose thread must not block before then). */
  ready(): Promise<void>;
}

/** `results`: one promise per worker, settled by its posted result or its failure. */
export function roleGroup(control: Int32Array, participants: number, batchMembers: number, results: Promise<RoleResult>[], batchTimeoutMs = 120_000): RoleGroup {
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
        if (failure) throw failure;
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
    async ready() {
      const failed = new Promise<never>((_, reject) => results.forEach((p) => p.catch(reject)));
      await awaitCountAsync(control, CONTROL.ready, participants, "role workers starting", 30_000, failed);
    },
  };
}
