/**
 * Giving memory back twice must be harmless: before this was guarded, a second dispose()
 * or freeU64() put the region on the free list twice, so two later allocations shared it
 * and one scheme's context block was overwritten by another's.
 */
import { describe, expect, it } from "vitest";
import { catalogueMap } from "../../src/catalogue.js";
import { Engine } from "../../src/engine/engine.js";
import { DisposedError } from "../../src/engine/errors.js";
import { XenmmError } from "../../src/errors.js";

describe("double dispose / freeU64", () => {
  it("a second dispose() is a no-op: a live scheme keeps its results", async () => {
    const engine = await Engine.create({ arch: "arm64" });
    const first = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    first.dispose();
    first.dispose();
    const live = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    expect(live.pfnToPdx(0x880000n)).toBe(0x180000n);
    const other = engine.setup(catalogueMap("arm-fvp"), { scheme: "none" });
    expect(other.pfnToPdx(0x880000n)).toBe(0x880000n);
    expect(live.pfnToPdx(0x880000n)).toBe(0x180000n);
    expect(live.ctx).not.toBe(other.ctx);
  });

  it("a disposed scheme refuses calls with a typed error", async () => {
    const engine = await Engine.create({ arch: "arm64" });
    const pdx = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    pdx.dispose();
    expect(() => pdx.pfnToPdx(0x880000n)).toThrow(DisposedError);
    expect(() => pdx.convert("pfnToPdx", new BigUint64Array([1n]))).toThrow(DisposedError);
    expect(() => pdx.frameTable.getPage(0x80000n)).toThrow(DisposedError);
    expect(() => pdx.frameTable.back()).toThrow(DisposedError);
  });

  it("a second freeU64() of the same array is a no-op: later arrays never share memory", async () => {
    const engine = await Engine.create();
    const a = engine.allocU64(16);
    engine.freeU64(a);
    engine.freeU64(a);
    const b = engine.allocU64(16);
    const c = engine.allocU64(16);
    b.fill(1n);
    c.fill(2n);
    expect([...b]).toEqual(new Array(16).fill(1n));
    expect(c.byteOffset >= b.byteOffset + b.byteLength || b.byteOffset >= c.byteOffset + c.byteLength).toBe(true);
  });

  it("freeU64 refuses arrays it did not hand out, with a typed error", async () => {
    const engine = await Engine.create();
    const a = engine.allocU64(16);
    expect(() => engine.freeU64(a.subarray(1))).toThrow(XenmmError);
    expect(() => engine.freeU64(new BigUint64Array(4))).toThrow(XenmmError);
    expect(() => engine.freeU64([1n] as unknown as BigUint64Array)).toThrow(XenmmError);
    engine.freeU64(a);
  });
});
