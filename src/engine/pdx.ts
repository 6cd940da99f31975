/**
 * One configured PDX scheme in the engine: scalar and batch conversions in WASM over a
 * context block, plus the frame table. Scalar calls take and return bigint; batches
 * take BigUint64Arrays and run as one WASM call (zero-copy when the arrays already live
 * in the engine's memory, see Engine.allocU64).
 */
import { InvalidArgumentError } from "../errors.js";
import { checkOptions, oneOf } from "../options.js";
import type { Platform } from "../pdx/platform.js";
import { describeValue, toU64, type U64Input } from "../u64.js";
import type { Layout, WasmExports } from "./abi.js";
import type { ContextBlock } from "./context-block.js";
import { DisposedError } from "./errors.js";
import { FrameTable } from "./frame-table.js";
import type { LinearMemory } from "./linear-memory.js";

export type Conversion = "pfnToPdx" | "pdxToPfn" | "maddrToDirectmapoff" | "directmapoffToMaddr";
export type Kernel = "simd" | "scalar";
/** Any BigUint64Array: on the engine's shared memory (zero-copy) or elsewhere. */
type U64s = BigUint64Array;
type Bytes = Uint8Array;

export interface BatchOptions {
  /** Where results go; allocated when absent. Same length as the input. */
  out?: U64s;
  /** v128 kernels (default) or the one-at-a-time loop. */
  kernel?: Kernel;
}

const CONVERSIONS: readonly Conversion[] = ["pfnToPdx", "pdxToPfn", "maddrToDirectmapoff", "directmapoffToMaddr"];
const KERNELS: readonly Kernel[] = ["simd", "scalar"];

/** Batches are checked by type, not per item: every BigUint64Array element is a u64 already. */
function u64Array(argument: string, value: unknown): U64s {
  if (value instanceof BigUint64Array) return value;
  throw new InvalidArgumentError(argument, `expected a BigUint64Array, got ${describeValue(value)}`);
}

function byteArray(argument: string, value: unknown): Bytes {
  if (value instanceof Uint8Array) return value;
  throw new InvalidArgumentError(argument, `expected a Uint8Array, got ${describeValue(value)}`);
}

export class Pdx {
  readonly frameTable: FrameTable;
  private scratch = { ptr: 0, bytes: 0 };
  private disposed = false;

  /** Made by Engine.setup; not meant to be constructed directly. */
  constructor(
    private readonly mem: LinearMemory,
    private readonly wasm: WasmExports,
    private readonly layout: Layout,
    private readonly block: ContextBlock,
    /** The setup result this context was written from. */
    readonly platform: Platform,
  ) {
    this.frameTable = new FrameTable(mem, wasm, layout, block, platform, () => this.live());
  }

  /**
   * Returns the context block, bitmap, frame table and staging buffer to the engine. Later
   * calls on this object throw DisposedError; a second dispose() does nothing.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.frameTable.release();
    if (this.scratch.bytes) this.mem.release(this.scratch.ptr, this.scratch.bytes);
    this.mem.release(this.block.bitmap, this.block.bitmapBytes);
    this.mem.release(this.block.ctx, this.layout.CTX_SIZE);
    this.scratch = { ptr: 0, bytes: 0 };
  }

  /** The context block's address, or DisposedError once its memory went back to the engine. */
  private live(): number {
    if (this.disposed) throw new DisposedError("this Pdx was disposed; its memory may hold another scheme now (call engine.setup again)");
    return this.block.ctx;
  }

  /** Address of the context block, for workers instantiating over the same memory. */
  get ctx(): number { return this.live(); }

  pfnToPdx(pfn: U64Input): bigint { return BigInt.asUintN(64, this.wasm.pfn_to_pdx(this.live(), toU64("pfnToPdx(pfn)", pfn))); }
  pdxToPfn(pdx: U64Input): bigint { return BigInt.asUintN(64, this.wasm.pdx_to_pfn(this.live(), toU64("pdxToPfn(pdx)", pdx))); }
  maddrToDirectmapoff(maddr: U64Input): bigint { return BigInt.asUintN(64, this.wasm.maddr_to_directmapoff(this.live(), toU64("maddrToDirectmapoff(maddr)", maddr))); }
  directmapoffToMaddr(off: U64Input): bigint { return BigInt.asUintN(64, this.wasm.directmapoff_to_maddr(this.live(), toU64("directmapoffToMaddr(off)", off))); }
  isRegionCompressible(base: U64Input, npages: U64Input): boolean {
    return this.wasm.pdx_is_region_compressible(this.live(), toU64("isRegionCompressible(base)", base), toU64("isRegionCompressible(npages)", npages)) !== 0;
  }
  mfnValid(mfn: U64Input): boolean { return this.wasm.mfn_valid(this.live(), toU64("mfnValid(mfn)", mfn)) !== 0; }

  private opCode(c: Conversion): number {
    const layout = this.layout;
    switch (oneOf("convert(conversion)", c, CONVERSIONS)) {
      case "pfnToPdx": return layout.OP_PFN_TO_PDX;
      case "pdxToPfn": return layout.OP_PDX_TO_PFN;
      case "maddrToDirectmapoff": return layout.OP_MADDR_TO_DIRECTMAPOFF;
      case "directmapoffToMaddr": return layout.OP_DIRECTMAPOFF_TO_MADDR;
    }
  }

  /** A reusable staging region of at least `bytes` for arrays that live outside WASM memory. */
  private stage(bytes: number): number {
    if (this.scratch.bytes < bytes) {
      const size = Math.max(bytes, 2 * this.scratch.bytes, 1 << 16);
      if (this.scratch.bytes) this.mem.release(this.scratch.ptr, this.scratch.bytes);
      this.scratch = { ptr: 0, bytes: 0 }; // if the alloc below throws, nothing points at the freed region
      this.scratch = { ptr: this.mem.alloc(size, "a batch staging buffer"), bytes: size };
    }
    return this.scratch.ptr;
  }

  /**
   * Runs `fn(ctx, srcPtrs, dstPtr)` over equally long `inputs` (and `out`, if the operation
   * has one), staging whatever is not already in WASM memory.
   */
  private batch<T extends Bytes | U64s>(inputs: U64s[], out: T | undefined, fn: (ctx: number, src: number[], dst: number) => void): void {
    const ctx = this.live();
    const n = inputs[0].length;
    if (inputs.some((x) => x.length !== n) || (out && out.length !== n))
      throw new InvalidArgumentError("batch", `arrays must have the same length (got ${[...inputs, ...(out ? [out] : [])].map((x) => x.length).join(", ")})`);
    const owned = inputs.map((x) => this.mem.owns(x));
    const dstIn = out === undefined || this.mem.owns(out);
    const bytes = owned.filter((own) => !own).length * n * 8 + (dstIn ? 0 : n * out!.BYTES_PER_ELEMENT);
    let next = bytes ? this.stage(bytes) : 0;
    const src = inputs.map((x, i) => {
      if (owned[i]) return x.byteOffset;
      const at = next;
      this.mem.u64At(at, n).set(x);
      next += n * 8;
      return at;
    });
    const dst = out === undefined ? 0 : dstIn ? out.byteOffset : next;
    fn(ctx, src, dst);
    if (out && !dstIn) out.set((out instanceof Uint8Array ? this.mem.u8At(dst, n) : this.mem.u64At(dst, n)) as never);
  }

  /** One input batch → one output (allocated when absent), both checked, in one WASM call. */
  private unary<T extends U64s | Bytes>(name: string, input: U64s, out: T | undefined, checkOut: (argument: string, v: unknown) => T,
    alloc: new (n: number) => T, kernel: (ctx: number, src: number, dst: number, n: number) => void): T {
    const src = u64Array(`${name}(input)`, input);
    const dst = out === undefined ? new alloc(src.length) : checkOut(`${name}(out)`, out);
    this.batch([src], dst, (ctx, [from], to) => kernel(ctx, from, to, src.length));
    return dst;
  }

  /** One of the four conversions over a batch, in one WASM call. */
  convert(conversion: Conversion, input: U64s, options?: BatchOptions): U64s {
    const op = this.opCode(conversion);
    const o = checkOptions("convert(options)", options, ["out", "kernel"]);
    const kernel = (o.kernel === undefined ? "simd" : oneOf("convert(options.kernel)", o.kernel, KERNELS)) === "scalar" ? this.wasm.convert_batch_scalar : this.wasm.convert_batch;
    return this.unary("convert", input, o.out, u64Array, BigUint64Array, (ctx, src, dst, n) => kernel(ctx, op, src, dst, n));
  }

  /** `mfn_valid` over a batch: 1 where valid. */
  mfnValidBatch(mfns: U64s, out?: Bytes): Bytes {
    return this.unary("mfnValidBatch", mfns, out, byteArray, Uint8Array, this.wasm.mfn_valid_batch);
  }

  /** `pdx_is_region_compressible` over (base address, page count) pairs: 1 where compressible. */
  regionCompressibleBatch(bases: U64s, npages: U64s, out?: Bytes): Bytes {
    const b = u64Array("regionCompressibleBatch(bases)", bases);
    const p = u64Array("regionCompressibleBatch(npages)", npages);
    const dst = out === undefined ? new Uint8Array(b.length) : byteArray("regionCompressibleBatch(out)", out);
    this.batch([b, p], dst, (ctx, [bp, pp], to) => this.wasm.region_compressible_batch(ctx, bp, pp, to, b.length));
    return dst;
  }

  /** `mfn_to_page` over a batch. */
  mfnToPageBatch(mfns: U64s, out?: U64s): U64s {
    return this.unary("mfnToPageBatch", mfns, out, u64Array, BigUint64Array, this.wasm.mfn_to_page_batch);
  }

  /** `page_to_mfn` over a batch. */
  pageToMfnBatch(pages: U64s, out?: U64s): U64s {
    return this.unary("pageToMfnBatch", pages, out, u64Array, BigUint64Array, this.wasm.page_to_mfn_batch);
  }

  /** A reference operation on every MFN of a batch (atomic); how many succeeded. */
  private refBatch(name: string, mfns: U64s, kernel: (ctx: number, src: number, n: number) => number): number {
    const src = u64Array(`${name}(mfns)`, mfns);
    let ok = 0;
    this.batch([src], undefined, (ctx, [from]) => { ok = kernel(ctx, from, src.length); });
    return ok;
  }

  /** get_page on every MFN of a batch (atomic); returns how many succeeded. */
  getPageBatch(mfns: U64s): number { return this.refBatch("getPageBatch", mfns, this.wasm.get_page_batch); }

  /** put_page on every MFN of a batch (atomic); returns how many succeeded. */
  putPageBatch(mfns: U64s): number { return this.refBatch("putPageBatch", mfns, this.wasm.put_page_batch); }
}
