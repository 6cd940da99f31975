/**
 * The WASM function signatures in src/engine/abi.ts are checked against the module at load
 * time (issue 14 §1): a missing export or a changed parameter count is refused, by name.
 */
import { describe, expect, it } from "vitest";
import { PGC_COUNT_MASK } from "../../src/arch.js";
import { checkExports, readLayout } from "../../src/engine/abi.js";
import { engineModule, instantiateEngine } from "../../src/engine/wasm.js";

async function realExports(): Promise<WebAssembly.Exports> {
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
  const module = await engineModule();
  return (await WebAssembly.instantiate(module, { env: { memory } })).exports;
}

describe("WASM export signatures", () => {
  it("the built module has every function the engine calls, with the declared parameter count", async () => {
    const exports = await realExports();
    expect(checkExports(exports)).toBe(exports);
    expect((exports.pfn_to_pdx as (...a: unknown[]) => unknown).length).toBe(2);
    expect((exports.convert_batch_offset as (...a: unknown[]) => unknown).length).toBe(6);
  });

  it("refuses a module whose export takes another parameter count, naming it", async () => {
    const exports = { ...(await realExports()), pdx_is_region_compressible: (ctx: number, base: bigint) => ctx + Number(base) };
    expect(() => checkExports(exports)).toThrow("the WASM export pdx_is_region_compressible takes 2 parameters, the engine expects 3");
  });

  it("refuses a module without one of the functions, naming it", async () => {
    const { put_page_batch: _dropped, ...exports } = await realExports();
    expect(() => checkExports(exports)).toThrow("the WASM module does not export function put_page_batch");
    const withGlobal = { ...exports, put_page_batch: new WebAssembly.Global({ value: "i32" }, 0) };
    expect(() => checkExports(withGlobal)).toThrow("the WASM module does not export function put_page_batch");
  });

  it("instantiateEngine still loads the engine with the check in place", async () => {
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
    const engine = await instantiateEngine(await engineModule(), memory);
    expect(typeof engine.exports.heap_base()).toBe("number");
  });

  it("count_info's mask is an arch number carried in the context block, not a WASM constant", async () => {
    const exports = await realExports();
    expect(exports.PGC_COUNT_MASK).toBeUndefined();
    const layout = readLayout(exports);
    expect(layout.CTX_PGC_COUNT_MASK % 8).toBe(0);
    expect(layout.CTX_PGC_COUNT_MASK).toBeGreaterThan(layout.CTX_GROUP_LIMIT);
    expect(layout.CTX_PFN_PDX_LOOKUP).toBe(layout.CTX_PGC_COUNT_MASK + 8);
    expect(PGC_COUNT_MASK).toBe((1n << 54n) - 1n);
  });
});
