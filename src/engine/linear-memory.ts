/**
 * The shared linear memory, carved by TS (the WASM side never allocates: each instance
 * would have its own allocator state, docs/notes/toolchain.md §2). Regions come from a
 * first-fit free list, else from the top; freed regions are zeroed so every region
 * starts zeroed, like fresh pages. Typed-array views are re-made after growth, because
 * `memory.buffer` is a new SharedArrayBuffer object each time it grows.
 */
import { EngineCapacityError } from "./errors.js";

export const WASM_PAGE = 65536;
/** wasm32 can address 65536 pages of 64 KiB: 4 GiB. */
export const WASM32_MAX_PAGES = 65536;

export class LinearMemory {
  private top: number;
  private views?: { buffer: ArrayBufferLike; u8: Uint8Array; u32: Uint32Array; u64: BigUint64Array };

  constructor(readonly memory: WebAssembly.Memory, heapBase: number, readonly maxPages: number) {
    this.top = heapBase;
  }

  /** Bytes that may still be allocated before the maximum size is reached. */
  get available(): number { return this.maxPages * WASM_PAGE - this.top; }

  /** Freed regions, [ptr, bytes], reused first-fit. */
  private readonly free: Array<[number, number]> = [];
  /** Regions handed out and not yet released: ptr → bytes. A region is released once only. */
  private readonly live = new Map<number, number>();

  /** Reserves `bytes` of zeroed memory aligned to `align`; `what` names it in errors. */
  alloc(bytes: number, what: string, align = 16): number {
    bytes = Math.max(bytes, 8); // every region has its own address, even an empty array's
    const reuse = this.free.findIndex(([p, n]) => p % align === 0 && n >= bytes);
    if (reuse >= 0) {
      const [p, n] = this.free[reuse];
      if (n - bytes >= 64) this.free[reuse] = [p + bytes, n - bytes];
      else this.free.splice(reuse, 1);
      this.live.set(p, n - bytes >= 64 ? bytes : n);
      return p;
    }
    const start = Math.ceil(this.top / align) * align;
    const end = start + bytes;
    if (end > this.maxPages * WASM_PAGE)
      throw new EngineCapacityError(`${what} needs ${bytes} bytes but only ${this.maxPages * WASM_PAGE - start} of the engine's ${this.maxPages * WASM_PAGE} bytes of linear memory are left (wasm32 stops at 4 GiB; raise maxMemoryBytes or back fewer PDX groups)`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / WASM_PAGE));
    this.top = end;
    this.live.set(start, bytes);
    return start;
  }

  /** Every SharedArrayBuffer object this memory has shown (one per growth). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /** True when `view` looks at this memory (so WASM can use it in place). */
  owns(view: ArrayBufferView): boolean {
    // `.buffer` of a shared view and `memory.buffer` cost ~25 ns each: compare with the
    // buffer last seen first, and look further only for views made before a growth.
    const buffer = view.buffer;
    if (buffer === this.views?.buffer) return true;
    this.current();
    return this.buffers.has(buffer);
  }

  /**
   * Returns a region to the allocator; its bytes are zeroed now, not on reuse. Releasing a
   * region that is not live (twice, or never allocated) would hand it out twice: refused.
   */
  release(ptr: number, bytes: number): void {
    const size = this.live.get(ptr);
    if (size === undefined || size < bytes) throw new Error(`internal: release of ${bytes} bytes at ${ptr}, which is not a live region`);
    this.live.delete(ptr);
    this.u8.fill(0, ptr, ptr + size);
    this.free.push([ptr, size]);
  }

  private current() {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    if (this.views?.buffer !== buffer)
      this.views = { buffer, u8: new Uint8Array(buffer), u32: new Uint32Array(buffer), u64: new BigUint64Array(buffer) };
    return this.views;
  }

  get u8(): Uint8Array { return this.current().u8; }
  get u32(): Uint32Array { return this.current().u32; }
  get u64(): BigUint64Array { return this.current().u64; }

  /** A BigUint64Array over [ptr, ptr + 8·length) of the current buffer. */
  u64At(ptr: number, length: number): BigUint64Array { return new BigUint64Array(this.current().buffer, ptr, length); }
  u8At(ptr: number, length: number): Uint8Array { return new Uint8Array(this.current().buffer, ptr, length); }
}
