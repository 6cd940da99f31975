/**
 * The Node entry's worker pool with hostile sizes and tasks: refused on the calling thread with
 * a typed error, before any thread starts or any task is posted. Uses dist/ (workers load
 * compiled JS), like test/engine/refcount-workers.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Engine, InvalidArgumentError } from "../../dist/src/index.js";
import { NodeWorkerPool } from "../../dist/src/node.js";

const pools: NodeWorkerPool[] = [];
afterAll(async () => { await Promise.all(pools.map((p) => p.close())); });

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe("NodeWorkerPool with hostile input", () => {
  it("refuses sizes that are not 1..256 whole threads, and non-engines", async () => {
    const engine = await Engine.create();
    for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 31, "2", null, undefined, 2n])
      expect(await refusal(NodeWorkerPool.create(engine, size as number)), String(size)).toBeInstanceOf(InvalidArgumentError);
    expect(await refusal(NodeWorkerPool.create({} as Engine, 1))).toBeInstanceOf(InvalidArgumentError);
  });

  it("refuses malformed tasks before posting them, and still runs good ones", async () => {
    const engine = await Engine.create();
    const pool = await NodeWorkerPool.create(engine, 1);
    pools.push(pool);
    for (const tasks of [null, "get", [{ kind: "__proto__" }], [{ kind: "get", ctx: 0, src: 0, n: -1, rounds: 1 }], [{}, {}]])
      expect(await refusal(pool.run(tasks as never)), JSON.stringify(tasks)).toBeInstanceOf(InvalidArgumentError);
    const [result] = await pool.run([{ kind: "get", ctx: 0, src: 0, n: 0, rounds: 1 }]);
    expect(result.done).toBe(0);
  });
});
