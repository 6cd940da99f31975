/**
 * src/threads: the barrier's waits end (by arrival, timeout or a failure), and the thread
 * protocol answers every message once, in order, over a real MessagePort.
 */
import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { NodeWorkerPool } from "../../dist/src/engine/node-pool.js";
import { WebWorkerPool } from "../../dist/src/engine/web-pool.js";
import { InvalidArgumentError, XenmmError } from "../../dist/src/errors.js";
import { arrive, awaitCount, awaitCountAsync, waitWhileEquals } from "../../src/threads/barrier.js";
import { nodeEndpoint } from "../../src/threads/node.js";
import { twoThreadPool } from "../support/node-pool.js";
import { runOnce, serve, Thread, type Reply } from "../../src/threads/thread.js";

const words = () => new Int32Array(new SharedArrayBuffer(8));

describe("barrier", () => {
  it("waitWhileEquals reports a timeout, and returns at once when the word already differs", () => {
    const w = words();
    expect(waitWhileEquals(w, 0, 0, 20)).toBe(false);
    expect(waitWhileEquals(w, 0, 1, 20)).toBe(true);
  });

  it("awaitCount counts arrivals and names the shortfall when they do not all come", () => {
    const w = words();
    arrive(w, 1);
    arrive(w, 1);
    expect(Atomics.load(w, 1)).toBe(2);
    expect(() => awaitCount(w, 1, 2, 10, "x")).not.toThrow();
    expect(() => awaitCount(w, 1, 3, 20, "start barrier")).toThrow("start barrier: only 2 of 3 threads arrived within 20 ms");
  });

  it("awaitCountAsync resolves on arrival, times out with the count, and ends with a failure", async () => {
    const w = words();
    const waiting = awaitCountAsync(w, 0, 1, "gate");
    arrive(w, 0);
    await expect(waiting).resolves.toBeUndefined();
    await expect(awaitCountAsync(w, 0, 2, "gate", 30)).rejects.toThrow("gate: only 1 of 2 threads arrived within 30 ms");
    await expect(awaitCountAsync(w, 0, 2, "gate", Infinity, Promise.reject(new Error("thread died")))).rejects.toThrow("thread died");
  });
});

/** The owner's side of a real MessageChannel, the thread's side served in this process. */
function channelThread(setup: Parameters<typeof serve>[1]): Thread {
  const { port1, port2 } = new MessageChannel();
  serve(nodeEndpoint(port1), setup);
  return new Thread({
    post: (m) => port2.postMessage(m),
    listen: (onReply) => { port2.on("message", (r: Reply) => onReply(r)); },
    terminate: () => { port1.close(); port2.close(); },
  }, "test thread");
}

describe("thread protocol", () => {
  it("a task posted right behind the opening runs after the setup, replies come in order", async () => {
    const thread = channelThread(async (init) => { await new Promise((r) => setTimeout(r, 10)); return (task) => `${init}:${task}`; });
    const replies = await Promise.all([thread.request({ init: "a" }), thread.request(1), thread.request(2)]);
    expect(replies).toEqual([undefined, "a:1", "a:2"]);
    await thread.terminate();
  });

  it("an error in a task rejects that request only, with the thread's name", async () => {
    const thread = channelThread(() => (task) => { if (task === "bad") throw new RangeError("no such task"); return task; });
    await thread.request({ init: null });
    await expect(thread.request("bad")).rejects.toThrow("test thread: no such task");
    await expect(thread.request("good")).resolves.toBe("good");
    await thread.terminate();
  });

  it("a thread whose setup failed refuses its tasks; runOnce reports it", async () => {
    const thread = channelThread(() => { throw new Error("cannot instantiate"); });
    await expect(runOnce(thread, { init: 0 }, "task")).rejects.toThrow("test thread: cannot instantiate");
  });
});

describe("gated pool (NodeWorkerPool)", () => {
  const fx = twoThreadPool(64 << 20);

  it("refuses more tasks than threads and malformed tasks before posting, and still runs afterwards", async () => {
    const task = { kind: "get" as const, ctx: 0, src: 0, n: 0, rounds: 1 };
    await expect(fx.pool.run([task, task, task])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fx.pool.run([{ ...task, kind: "nope" } as never])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await fx.pool.run([])).toEqual([]);
    expect((await fx.pool.run([task, task])).map((r) => r.done)).toEqual([0, 0]);
  });

  it("refuses a size out of range with a typed error", async () => {
    await expect(NodeWorkerPool.create(fx.engine, 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(NodeWorkerPool.create({} as never, 1)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("WebWorkerPool outside a cross-origin isolated page refuses with a typed error that names the way out", async () => {
    const err = await WebWorkerPool.create(fx.engine, 1).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(XenmmError);
    expect((err as Error).message).toContain("NodeWorkerPool from xenmm/node");
  });
});
