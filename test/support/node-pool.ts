/**
 * An arm64 engine and a two-thread NodeWorkerPool over its memory, made before the tests of
 * the calling file or describe block and closed after them. Built from dist/ (workers load
 * the compiled entry).
 */
import { afterAll, beforeAll } from "vitest";
import { Engine } from "../../dist/src/engine/engine.js";
import { NodeWorkerPool } from "../../dist/src/engine/node-pool.js";

export function twoThreadPool(maxMemoryBytes: number): { engine: Engine; pool: NodeWorkerPool } {
  const fixture = {} as { engine: Engine; pool: NodeWorkerPool };
  beforeAll(async () => {
    fixture.engine = await Engine.create({ arch: "arm64", maxMemoryBytes });
    fixture.pool = await NodeWorkerPool.create(fixture.engine, 2);
  });
  afterAll(async () => { await fixture.pool.close(); });
  return fixture;
}
