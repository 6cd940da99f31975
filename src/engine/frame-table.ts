/**
 * The frame table in linear memory: page_info records of the arch's size, backed per
 * PDX group as Xen's init_frametable does. wasm32 stops at 4 GiB, so a frame table that
 * does not fit (16 TiB of x86 RAM needs 128 GiB of page_info) is never truncated: back
 * the groups a workload touches, or get an EngineCapacityError that says what is missing.
 */
import { InvalidArgumentError, XenmmError } from "../errors.js";
import { hex } from "../pdx/bits.js";
import type { Platform } from "../pdx/platform.js";
import { toIndex, toU64, uintOrReason, type U64Input } from "../u64.js";
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
    /** The context block's address; throws DisposedError once the owning Pdx is disposed. */
    private readonly live: () => number,
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
  back(firstGroup: number | bigint = 0, endGroup: number | bigint = this.block.groupLimit): void {
    this.live();
    const first = toIndex("back(firstGroup)", firstGroup, Number.MAX_SAFE_INTEGER);
    const end = toIndex("back(endGroup)", endGroup, Number.MAX_SAFE_INTEGER);
    this.backGroups(first, end);
  }

  private backGroups(first: number, end: number): void {
    const wanted = this.validGroups(first, end).filter((g) => !this.backed.has(g));
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
  backMfns(first: U64Input, end: U64Input): void {
    const ctx = this.live();
    const firstMfn = toU64("backMfns(first)", first);
    const endMfn = uintOrReason(end, (1n << 64n) + 1n);
    if (typeof endMfn === "string") throw new InvalidArgumentError("backMfns(end)", endMfn);
    if (endMfn <= firstMfn) return;
    const pdx = (mfn: bigint) => BigInt.asUintN(64, this.wasm.pfn_to_pdx(ctx, mfn));
    const limit = BigInt(this.block.groupLimit);
    const g0 = pdx(firstMfn) / this.platform.groupCount;
    const g1 = pdx(endMfn - 1n) / this.platform.groupCount + 1n;
    this.backGroups(Number(g0 < limit ? g0 : limit), Number(g1 < limit ? g1 : limit));
  }

  /**
   * Gives every backed group and the directory back to the engine's allocator. The context
   * forgets the directory first, so WASM never follows it into memory now owned by others.
   */
  release(): void {
    if (!this.chunks) return;
    Atomics.store(this.mem.u32, (this.block.ctx + this.layout.CTX_GROUP_CHUNKS) / 4, 0);
    for (const g of this.backed) this.mem.release(this.mem.u32[this.chunks / 4 + g], this.groupBytes);
    this.mem.release(this.chunks, this.block.groupLimit * 4);
    this.backed.clear();
    this.chunks = 0;
  }

  /** `mfn_to_page`: the frame-table index (page − frame_table). */
  mfnToPage(mfn: U64Input): bigint { return BigInt.asUintN(64, this.wasm.mfn_to_page(this.live(), toU64("mfnToPage(mfn)", mfn))); }
  /** `page_to_mfn`. */
  pageToMfn(page: U64Input): bigint { return BigInt.asUintN(64, this.wasm.page_to_mfn(this.live(), toU64("pageToMfn(page)", page))); }

  /**
   * Runs a reference operation on a valid MFN. An MFN that is not mfn_valid (beyond RAM, in
   * a hole, below the frame table) would alias another page's record: refused, as Xen's
   * callers check mfn_valid before taking a reference.
   */
  private refOp(op: string, input: U64Input, run: (ctx: number, mfn: bigint) => bigint): bigint {
    const ctx = this.live();
    const mfn = toU64(`${op}(mfn)`, input);
    if (this.wasm.mfn_valid(ctx, mfn) === 0)
      throw new PageRefError(`${op}(${hex(mfn)}) refused: MFN ${hex(mfn)} is not mfn_valid (no RAM page has this frame number under the ${this.platform.scheme} scheme)`);
    const result = run(ctx, mfn);
    if (result >= 0n) return result;
    const why = result === this.layout.PAGE_UNBACKED ? "its PDX group has no page_info backing (back() it first)"
      : result === this.layout.PAGE_COUNT_OVERFLOW ? "the reference count would overflow PGC_count_mask"
      : "the reference count is already 0";
    throw new PageRefError(`${op}(${hex(mfn)}) refused: ${why}`);
  }

  /** Takes a reference (atomic); returns the new count. */
  getPage(mfn: U64Input): bigint { return this.refOp("get_page", mfn, (ctx, m) => this.wasm.get_page(ctx, m)); }
  /** Drops a reference (atomic); returns the new count. */
  putPage(mfn: U64Input): bigint { return this.refOp("put_page", mfn, (ctx, m) => this.wasm.put_page(ctx, m)); }
  /** The reference count held in count_info. */
  pageCount(mfn: U64Input): bigint { return this.refOp("page_count", mfn, (ctx, m) => this.wasm.page_count(ctx, m)); }
}
