/**
 * get_page/put_page stay exact when two worker_threads hammer the same pages of the
 * shared frame table (the built package is used: workers need compiled JS).
 */
import { describe, expect, it } from "vitest";
import { catalogueEntry, catalogueMap } from "../../dist/src/catalogue.js";
import { twoThreadPool } from "../support/node-pool.js";

const fx = twoThreadPool(256 << 20);

describe("atomic refcounts across worker threads", () => {
  it("two workers taking and dropping references on the same 64 pages leave every count exact", async () => {
    const pdx = fx.engine.setup(catalogueMap(catalogueEntry("arm-fvp")!), { scheme: "mask" });
    pdx.frameTable.backMfns(0x880000n, 0x880040n);
    const mfns = fx.engine.allocU64(64);
    mfns.set(Array.from({ length: 64 }, (_, i) => 0x880000n + BigInt(i)));
    for (const mfn of mfns) pdx.frameTable.getPage(mfn); // each page starts with one reference held here

    const rounds = 20_000;
    const task = { kind: "getput" as const, ctx: pdx.ctx, src: mfns.byteOffset, n: 64, rounds };
    const results = await fx.pool.run([task, task]);

    expect(results.map((r) => r.done)).toEqual([2 * 64 * rounds, 2 * 64 * rounds]);
    expect([...mfns].map((m) => pdx.frameTable.pageCount(m))).toEqual(new Array(64).fill(1n));
  });

  it("references taken concurrently add up exactly (no lost increments)", async () => {
    const pdx = fx.engine.setup(catalogueMap(catalogueEntry("arm-fvp")!), { scheme: "offset" });
    pdx.frameTable.backMfns(0x80000n, 0x80010n);
    const mfns = fx.engine.allocU64(16);
    mfns.set(Array.from({ length: 16 }, (_, i) => 0x80000n + BigInt(i)));
    const task = { kind: "get" as const, ctx: pdx.ctx, src: mfns.byteOffset, n: 16, rounds: 50_000 };
    const results = await fx.pool.run([task, task]);
    expect(results.map((r) => r.done)).toEqual([16 * 50_000, 16 * 50_000]);
    for (const m of mfns) expect(pdx.frameTable.pageCount(m)).toBe(100_000n);
  });

  it("refuses put_page below zero and get_page on unbacked groups", () => {
    const pdx = fx.engine.setup(catalogueMap(catalogueEntry("arm-fvp")!), { scheme: "mask" });
    pdx.frameTable.backMfns(0x80000n, 0x80001n);
    expect(pdx.frameTable.backedBytes).toBe(0x40000 * 56); // one arm64 PDX group of page_info: 14 MiB
    expect(() => pdx.frameTable.putPage(0x80000n)).toThrow(/put_page\(0x80000\) refused: the reference count is already 0/);
    expect(() => pdx.frameTable.getPage(0x880000n)).toThrow(/no page_info backing/);
    expect(pdx.frameTable.getPage(0x80000n)).toBe(1n);
  });
});
