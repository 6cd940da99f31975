/**
 * One configured PDX scheme in the engine: scalar and batch conversions in WASM over a
 * context block, plus the frame table. Scalar calls take and return bigint; batches
 * take BigUint64Arrays and run as one WASM call (zero-copy when the arrays already live
 * in the engine's memory, see Engine.allocU64).
 */
import type { Platform } from "../pdx/platform.js";
import type { Layout, WasmExports } from "./abi.js";
import type { ContextBlock } from "./context-block.js";
import { FrameTable } from "./frame-table.js";
import type { LinearMemory } from "./linear-memory.js";

export type Conversion = "pfnToPdx" | "pdxToPfn" | "maddrToDirectmapoff" | "directmapoffToMaddr";
export type Kernel = "simd" | "scalar";
/** Any BigUint64Array: on the engine's shared memory (zero-copy) or elsewhere. */
type U64s = BigUint64Array<ArrayBufferLike>;
type Bytes = Uint8Array<ArrayBufferLike>;

export interface BatchOptions {
  /** Where results go; allocated when absent. Same length as the input. */
  out?: U64s;
  /** v128 kernels (default) or the one-at-a-time loop. */
  kernel?: Kernel;
}

export class Pdx {
  readonly frameTable: FrameTable;
  private scratch = { ptr: 0, bytes: 0 };

  constructor(
    private readonly mem: LinearMemory,
    private readonly wasm: WasmExports,
    private readonly layout: Layout,
    private readonly block: ContextBlock,
    /** The setup result this context was written from. */
    readonly platform: Platform,
  ) {
    this.frameTable = new FrameTable(mem, wasm, layout, block, platform);
  }

  /**
   * Returns the context block, bitmap, frame table and staging buffer to the engine.
   * The object must not be used afterwards (its memory may hold another scheme).
   */
  dispose(): void {
    this.frameTable.release();
    if (this.scratch.bytes) this.mem.release(this.scratch.ptr, this.scratch.bytes);
    this.mem.release(this.block.bitmap, this.block.bitmapBytes);
    this.mem.release(this.block.ctx, this.layout.CTX_SIZE);
    this.scratch = { ptr: 0, bytes: 0 };
  }

  /** Address of the context block, for workers instantiating over the same memory. */
  get ctx(): number { return this.block.ctx; }

  pfnToPdx(pfn: bigint): bigint { return BigInt.asUintN(64, this.wasm.pfn_to_pdx(this.block.ctx, pfn)); }
  pdxToPfn(pdx: bigint): bigint { return BigInt.asUintN(64, this.wasm.pdx_to_pfn(this.block.ctx, pdx)); }
  maddrToDirectmapoff(maddr: bigint): bigint { return BigInt.asUintN(64, this.wasm.maddr_to_directmapoff(this.block.ctx, maddr)); }
  directmapoffToMaddr(off: bigint): bigint { return BigInt.asUintN(64, this.wasm.directmapoff_to_maddr(this.block.ctx, off)); }
  isRegionCompressible(base: bigint, npages: bigint): boolean { return this.wasm.pdx_is_region_compressible(this.block.ctx, base, npages) !== 0; }
  mfnValid(mfn: bigint): boolean { return this.wasm.mfn_valid(this.block.ctx, mfn) !== 0; }

  private opCode(c: Conversion): number {
    return { pfnToPdx: this.layout.OP_PFN_TO_PDX, pdxToPfn: this.layout.OP_PDX_TO_PFN, maddrToDirectmapoff: this.layout.OP_MADDR_TO_DIRECTMAPOFF, directmapoffToMaddr: this.layout.OP_DIRECTMAPOFF_TO_MADDR }[c];
  }

  /** A reusable staging region of at least `bytes` for arrays that live outside WASM memory. */
  private stage(bytes: number): number {
    if (this.scratch.bytes < bytes) {
      const size = Math.max(bytes, 2 * this.scratch.bytes, 1 << 16);
      if (this.scratch.bytes) this.mem.release(this.scratch.ptr, this.scratch.bytes);
      this.scratch = { ptr: this.mem.alloc(size, "a batch staging buffer"), bytes: size };
    }
    return this.scratch.ptr;
  }

  /**
   * Runs `fn(srcPtrs, dstPtr)` over equally long `inputs` (and `out`, if the operation has
   * one), staging whatever is not already in WASM memory.
   */
  private batch<T extends Bytes | U64s>(inputs: U64s[], out: T | undefined, fn: (src: number[], dst: number) => void): void {
    const n = inputs[0].length;
    if (inputs.some((x) => x.length !== n) || (out && out.length !== n)) throw new RangeError("batch arrays must have the same length");
    const staged = inputs.filter((x) => !this.mem.owns(x));
    const dstIn = out === undefined || this.mem.owns(out);
    const bytes = staged.length * n * 8 + (dstIn ? 0 : n * out!.BYTES_PER_ELEMENT);
    let next = bytes ? this.stage(bytes) : 0;
    const src = inputs.map((x) => {
      if (this.mem.owns(x)) return x.byteOffset;
      const at = next;
      this.mem.u64At(at, n).set(x);
      next += n * 8;
      return at;
    });
    const dst = out === undefined ? 0 : dstIn ? out.byteOffset : next;
    fn(src, dst);
    if (out && !dstIn) out.set((out instanceof Uint8Array ? this.mem.u8At(dst, n) : this.mem.u64At(dst, n)) as never);
  }

  /** One of the four conversions over a batch, in one WASM call. */
  convert(conversion: Conversion, input: U64s, options: BatchOptions = {}): U64s {
    const op = this.opCode(conversion);
    const kernel = options.kernel === "scalar" ? this.wasm.convert_batch_scalar : this.wasm.convert_batch;
    const out = options.out ?? new BigUint64Array(input.length);
    this.batch([input], out, ([src], dst) => kernel(this.block.ctx, op, src, dst, input.length));
    return out;
  }

  /** `mfn_valid` over a batch: 1 where valid. */
  mfnValidBatch(mfns: U64s, out: Bytes = new Uint8Array(mfns.length)): Bytes {
    this.batch([mfns], out, ([src], dst) => this.wasm.mfn_valid_batch(this.block.ctx, src, dst, mfns.length));
    return out;
  }

  /** `pdx_is_region_compressible` over (base address, page count) pairs: 1 where compressible. */
  regionCompressibleBatch(bases: U64s, npages: U64s, out: Bytes = new Uint8Array(bases.length)): Bytes {
    this.batch([bases, npages], out, ([b, p], dst) => this.wasm.region_compressible_batch(this.block.ctx, b, p, dst, bases.length));
    return out;
  }

  /** `mfn_to_page` over a batch. */
  mfnToPageBatch(mfns: U64s, out: U64s = new BigUint64Array(mfns.length)): U64s {
    this.batch([mfns], out, ([src], dst) => this.wasm.mfn_to_page_batch(this.block.ctx, src, dst, mfns.length));
    return out;
  }

  /** `page_to_mfn` over a batch. */
  pageToMfnBatch(pages: U64s, out: U64s = new BigUint64Array(pages.length)): U64s {
    this.batch([pages], out, ([src], dst) => this.wasm.page_to_mfn_batch(this.block.ctx, src, dst, pages.length));
    return out;
  }

  /** get_page on every MFN of a batch (atomic); returns how many succeeded. */
  getPageBatch(mfns: U64s): number {
    let ok = 0;
    this.batch([mfns], undefined, ([src]) => { ok = this.wasm.get_page_batch(this.block.ctx, src, mfns.length); });
    return ok;
  }

  /** put_page on every MFN of a batch (atomic); returns how many succeeded. */
  putPageBatch(mfns: U64s): number {
    let ok = 0;
    this.batch([mfns], undefined, ([src]) => { ok = this.wasm.put_page_batch(this.block.ctx, src, mfns.length); });
    return ok;
  }
}
