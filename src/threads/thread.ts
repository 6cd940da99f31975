/**
 * One worker thread seen from either side, whatever runtime runs it (node.ts for
 * worker_threads, web.ts for Web Workers). The protocol: the first message opens the thread
 * (its init, and optionally a start gate), every later one is a task; each is answered by
 * exactly one reply.
 */
import { passGate } from "./barrier.js";

export type Reply = { ok: true; value?: unknown } | { ok: false; name: string; message: string };

/** The first message a thread gets. */
export interface Opening<Init> {
  init: Init;
  /** When set, every task waits at this gate before it runs (barrier.ts). */
  gate?: Int32Array;
}

/** The runtime's worker object, as the owner's side sees it. */
export interface Channel {
  post(message: unknown): void;
  /** Calls onReply with each reply in order, and onCrash if the thread fails or exits. */
  listen(onReply: (r: Reply) => void, onCrash: (e: Error) => void): void;
  terminate(): Promise<unknown> | void;
}

/**
 * The owner's side of a thread. Requests may be posted before earlier ones are answered
 * (so an owner that blocks right after posting still gets its task run); replies come back
 * in order.
 */
export class Thread {
  private readonly pending: Array<{ resolve: (value: unknown) => void; reject: (e: Error) => void }> = [];

  constructor(private readonly channel: Channel, readonly name: string) {
    channel.listen((r) => {
      const request = this.pending.shift();
      if (r.ok) request?.resolve(r.value);
      else request?.reject(new Error(`${name}: ${r.message}`));
    }, (e) => { for (const request of this.pending.splice(0)) request.reject(e); });
  }

  /** Sends a message; resolves with its reply's value, rejects on an error reply or a crash. */
  request(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.channel.post(message);
    });
  }

  async terminate(): Promise<void> {
    await this.channel.terminate();
  }
}

/** Opens a thread and posts one task at once (neither waits for the owner), then ends the thread. */
export async function runOnce<Init>(thread: Thread, opening: Opening<Init>, task: unknown): Promise<unknown> {
  try {
    const [, value] = await Promise.all([thread.request(opening), thread.request(task)]);
    return value;
  } finally {
    await thread.terminate();
  }
}

/** The runtime's side of the thread itself. */
export interface Endpoint {
  onMessage(handle: (message: unknown) => void): void;
  post(reply: Reply): void;
}

/** A thread's work: given the opening's init, the function that runs each task. */
export type Setup<Init, Task, Result> = (init: Init) => ((task: Task) => Result) | Promise<(task: Task) => Result>;

/** The thread's side of the protocol; a worker entry calls this with its runtime's endpoint. */
export function serve<Init, Task, Result>(endpoint: Endpoint, setup: Setup<Init, Task, Result>): void {
  let opened = false;
  let run: ((task: Task) => Result) | undefined;
  let gate: Int32Array | undefined;
  const handle = async (message: unknown): Promise<void> => {
    try {
      if (!opened) {
        opened = true;
        const opening = message as Opening<Init>;
        gate = opening.gate;
        run = await setup(opening.init);
        endpoint.post({ ok: true });
        return;
      }
      if (!run) throw new Error("the thread failed to open");
      if (gate) passGate(gate);
      endpoint.post({ ok: true, value: run(message as Task) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      endpoint.post({ ok: false, name: err.name, message: err.message });
    }
  };
  // One message at a time: a task posted right behind the opening waits for the setup.
  let queue = Promise.resolve();
  endpoint.onMessage((message) => { queue = queue.then(() => handle(message)); });
}
