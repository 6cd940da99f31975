/**
 * The frame table in linear memory: page_info records of the arch's size, backed per
 * PDX group as Xen's init_frametable does. wasm32 stops at 4 GiB, so a frame table that
 * does not fit (16 TiB of x86 RAM needs 128 GiB of page_info) is never truncated: back
 * the groups a workload touches, or get an EngineCapacityError that says what is missing.
 */
import { XenmmError } from "../errors.js";
import type { Platform } from "../pdx/platform.js";
import type { Layout, WasmExports } from "./abi.js";
import type { ContextBlock } from "./context-block.js";
import { EngineCapacityError } from "./errors.js";
import type { LinearMemory } from "./linear-memory.js";

/** A get_page/put_page that Xen would refuse (or that hit an unbacked group). */
export class PageRefError extends XenmmError {
  override name = "PageRefError";
}

export class FrameTable {
  private chunks = 0;
  private backed = new Set<number>();

  constructor(
    private readonly mem: LinearMemory,
    private readonly wasm: WasmExports,
    private readonly layout: Layout,
    private readonly block: ContextBlock,
    private readonly platform: Platform,
  ) {}

  /** Bytes of page_info per PDX group: PDX_GROUP_COUNT × sizeof(page_info). */
  get groupBytes(): number { return Number(this.platform.groupCount) * this.platform.arch.pageInfoSize; }
  /** Bytes of linear memory holding page_info records now. */
  get backedBytes(): number { return this.backed.size * this.groupBytes; }

  /** Valid groups (holding RAM) in [first, end), below the bitmap limit. */
  private validGroups(first: number, end: number): number[] {
    const out: number[] = [];
    const hi = Math.min(end, this.block.groupLimit);
    const baseGroup = Number(this.platform.frametableBasePdx / this.platform.groupCount);
    for (const g of this.platform.groups)
      for (let i = Math.max(Number(g.start), first, baseGroup); i < Math.min(Number(g.end), hi); i++) out.push(i);
    return out;
  }

  /** Backs every valid group in [firstGroup, endGroup); all of them by default. */
  back(firstGroup = 0, endGroup = this.block.groupLimit): void {
    const wanted = this.validGroups(firstGroup, endGroup).filter((g) => !this.backed.has(g));
    const need = wanted.length * this.groupBytes + (this.chunks ? 0 : this.block.groupLimit * 4);
    if (need > this.mem.available)
      throw new EngineCapacityError(`backing ${wanted.length} PDX groups needs ${need} bytes of page_info but ${this.mem.available} bytes of linear memory are left; back a smaller MFN range with backMfns()`);
    if (!this.chunks) {
      this.chunks = this.mem.alloc(this.block.groupLimit * 4, "the frame-table group directory", 8);
      this.mem.u32[(this.block.ctx + this.layout.CTX_GROUP_CHUNKS) / 4] = this.chunks;
    }
    for (const g of wanted) {
      const chunk = this.mem.alloc(this.groupBytes, "a PDX group of page_info", 64);
      Atomics.store(this.mem.u32, this.chunks / 4 + g, chunk);
      this.backed.add(g);
    }
  }

  /** Backs the groups of the MFNs [first, end) (translated through the scheme). */
  backMfns(first: bigint, end: bigint): void {
    const pdx = (mfn: bigint) => BigInt.asUintN(64, this.wasm.pfn_to_pdx(this.block.ctx, mfn));
    const g0 = pdx(first) / this.platform.groupCount;
    const g1 = pdx(end - 1n) / this.platform.groupCount + 1n;
    this.back(Number(g0), Number(g1 < BigInt(this.block.groupLimit) ? g1 : BigInt(this.block.groupLimit)));
  }

  /** Gives every backed group and the directory back to the engine's allocator. */
  release(): void {
    for (const g of this.backed) this.mem.release(this.mem.u32[this.chunks / 4 + g], this.groupBytes);
    if (this.chunks) this.mem.release(this.chunks, this.block.groupLimit * 4);
    this.backed.clear();
    this.chunks = 0;
  }

  /** `mfn_to_page`: the frame-table index (page − frame_table). */
  mfnToPage(mfn: bigint): bigint { return BigInt.asUintN(64, this.wasm.mfn_to_page(this.block.ctx, mfn)); }
  /** `page_to_mfn`. */
  pageToMfn(page: bigint): bigint { return BigInt.asUintN(64, this.wasm.page_to_mfn(this.block.ctx, page)); }

  private checked(result: bigint, op: string, mfn: bigint): bigint {
    if (result >= 0n) return result;
    const why = result === this.layout.PAGE_UNBACKED ? "its PDX group has no page_info backing (back() it first)"
      : result === this.layout.PAGE_COUNT_OVERFLOW ? "the reference count would overflow PGC_count_mask"
      : "the reference count is already 0";
    throw new PageRefError(`${op}(0x${mfn.toString(16)}) refused: ${why}`);
  }

  /** Takes a reference (atomic); returns the new count. */
  getPage(mfn: bigint): bigint { return this.checked(this.wasm.get_page(this.block.ctx, mfn), "get_page", mfn); }
  /** Drops a reference (atomic); returns the new count. */
  putPage(mfn: bigint): bigint { return this.checked(this.wasm.put_page(this.block.ctx, mfn), "put_page", mfn); }
  /** The reference count held in count_info. */
  pageCount(mfn: bigint): bigint { return this.checked(this.wasm.page_count(this.block.ctx, mfn), "page_count", mfn); }
}
