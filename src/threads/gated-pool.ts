/**
 * A pool of threads that start each run together: `run` gives thread i task i and opens
 * a start gate once every thread of the run waits at it, so they all start at one moment
 * and really contend. Runtime-neutral: the threads come from node.ts or web.ts.
 */
import { InvalidArgumentError } from "../errors.js";
import { describeValue } from "../u64.js";
import { awaitCountAsync, closeGate, GATE, newGate, openGate } from "./barrier.js";
import type { Thread } from "./thread.js";

/** Threads that accepted their opening, and the gate they share. */
export interface OpenThreads {
  threads: Thread[];
  gate: Int32Array;
}

/** Opens every thread with `init` and a shared gate; on any failure ends them all. */
export async function openThreads(threads: Thread[], init: unknown): Promise<OpenThreads> {
  const gate = newGate();
  try {
    await Promise.all(threads.map((t) => t.request({ init, gate })));
  } catch (e) {
    await Promise.all(threads.map((t) => t.terminate()));
    throw e;
  }
  return { threads, gate };
}

export class GatedPool<Task, Result> {
  private readonly threads: Thread[];
  private readonly gate: Int32Array;

  /** `check` refuses a malformed task before it is posted, so the caller gets the typed error. */
  protected constructor(open: OpenThreads, private readonly check: (task: Task) => void) {
    this.threads = open.threads;
    this.gate = open.gate;
  }

  get size(): number { return this.threads.length; }

  /** Runs tasks[i] on thread i, all released together; resolves with every result. */
  async run(tasks: Task[]): Promise<Result[]> {
    if (!Array.isArray(tasks) || tasks.length > this.threads.length)
      throw new InvalidArgumentError("run(tasks)", `expected an array of at most ${this.threads.length} tasks (one per thread), got ${describeValue(tasks)}`);
    tasks.forEach(this.check);
    closeGate(this.gate);
    const results = Promise.all(tasks.map((task, i) => this.threads[i]!.request(task)));
    try {
      // A thread that fails before the gate ends the wait (results rejects).
      await awaitCountAsync(this.gate, GATE.arrived, tasks.length, "start gate", Infinity, results);
    } finally {
      openGate(this.gate); // also on failure: no thread stays blocked at the gate
    }
    return (await results) as Result[];
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
