/**
 * Batches run in place when their arrays are views of the engine's memory and are staged
 * otherwise. The ownership check has a fast path (the buffer last seen), so this pins the
 * cases around it: views made before the memory grew, views made after, plain arrays and
 * arrays over some other SharedArrayBuffer, as input and as output, all give the
 * reference's results and never touch memory they do not name.
 */
import { describe, expect, it } from "vitest";
import { catalogueMap } from "../../src/catalogue.js";
import { Engine } from "../../src/engine/engine.js";
import { reference } from "../../src/index.js";

const PFNS = [0x80000n, 0x880000n, 0x8ffffffn, 0x1234567n];

describe("batch arrays in place or staged", () => {
  it("every kind of input and output array converts like the reference, across a growth of memory", async () => {
    const engine = await Engine.create({ arch: "arm64" });
    const pdx = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    const want = PFNS.map((x) => reference.pfnToPdx(pdx.platform.state, x));
    const before = engine.allocU64(PFNS.length);
    const bytesBefore = engine.memory.buffer.byteLength;
    const big = engine.allocU64((bytesBefore / 8) | 0); // more than the memory had: it grows
    expect(engine.memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    const after = engine.allocU64(PFNS.length);
    const foreign = () => new BigUint64Array(new SharedArrayBuffer(PFNS.length * 8));
    const kinds: Record<string, () => BigUint64Array> = {
      "engine view made before the growth": () => before,
      "engine view made after the growth": () => after,
      "plain array": () => new BigUint64Array(PFNS.length),
      "view of another SharedArrayBuffer": foreign,
    };
    for (const [inName, input] of Object.entries(kinds)) {
      for (const [outName, output] of Object.entries(kinds)) {
        if (inName === outName) continue;
        const src = input();
        src.set(PFNS);
        const out = output();
        big.fill(0xdeadn);
        expect([...pdx.convert("pfnToPdx", src, { out })], `${inName} → ${outName}`).toEqual(want);
        expect([...src], `${inName} unchanged`).toEqual(PFNS);
        expect(big.every((x) => x === 0xdeadn), `${inName} → ${outName}: other engine memory untouched`).toBe(true);
      }
    }
  });
});
