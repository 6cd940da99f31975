/**
 * The raw WASM exports (assembly/index.ts) as JS sees them: u64 arrive and leave as
 * bigint (results *signed*: wrap with BigInt.asUintN), bool as 0/1, usize as number.
 * Layout constants are exported globals, read once into `Layout`.
 */
export interface WasmExports {
  heap_base(): number;
  pfn_to_pdx(ctx: number, pfn: bigint): bigint;
  pdx_to_pfn(ctx: number, pdx: bigint): bigint;
  maddr_to_directmapoff(ctx: number, maddr: bigint): bigint;
  directmapoff_to_maddr(ctx: number, off: bigint): bigint;
  pdx_is_region_compressible(ctx: number, base: bigint, npages: bigint): number;
  mfn_valid(ctx: number, mfn: bigint): number;
  mfn_to_page(ctx: number, mfn: bigint): bigint;
  page_to_mfn(ctx: number, page: bigint): bigint;
  get_page(ctx: number, mfn: bigint): bigint;
  put_page(ctx: number, mfn: bigint): bigint;
  page_count(ctx: number, mfn: bigint): bigint;
  convert_batch(ctx: number, op: number, src: number, dst: number, n: number): void;
  convert_batch_scalar(ctx: number, op: number, src: number, dst: number, n: number): void;
  offset_select_prepare(ctx: number): void;
  convert_batch_offset(ctx: number, op: number, src: number, dst: number, n: number, variant: number): number;
  mfn_valid_batch(ctx: number, src: number, dst: number, n: number): void;
  region_compressible_batch(ctx: number, bases: number, npages: number, dst: number, n: number): void;
  mfn_to_page_batch(ctx: number, src: number, dst: number, n: number): void;
  page_to_mfn_batch(ctx: number, src: number, dst: number, n: number): void;
  get_page_batch(ctx: number, src: number, n: number): number;
  put_page_batch(ctx: number, src: number, n: number): number;
}

/**
 * Each export's parameter count. The type makes the compiler hold every entry to the
 * signature above; `checkExports` holds the module to these at load time.
 */
const EXPORT_ARITY: { readonly [K in keyof WasmExports]: Parameters<WasmExports[K]>["length"] } = {
  heap_base: 0,
  pfn_to_pdx: 2, pdx_to_pfn: 2, maddr_to_directmapoff: 2, directmapoff_to_maddr: 2,
  pdx_is_region_compressible: 3, mfn_valid: 2,
  mfn_to_page: 2, page_to_mfn: 2, get_page: 2, put_page: 2, page_count: 2,
  convert_batch: 5, convert_batch_scalar: 5, offset_select_prepare: 1, convert_batch_offset: 6,
  mfn_valid_batch: 4, region_compressible_batch: 5, mfn_to_page_batch: 4, page_to_mfn_batch: 4,
  get_page_batch: 3, put_page_batch: 3,
};

/** The module's functions, once each is found with the parameter count `WasmExports` declares. */
export function checkExports(exports: WebAssembly.Exports): WasmExports {
  for (const [name, arity] of Object.entries(EXPORT_ARITY)) {
    const f = exports[name];
    if (typeof f !== "function") throw new Error(`the WASM module does not export function ${name}`);
    if (f.length !== arity) throw new Error(`the WASM export ${name} takes ${f.length} parameters, the engine expects ${arity}`);
  }
  return exports as unknown as WasmExports;
}

const LAYOUT_NAMES = [
  "SCHEME_NONE", "SCHEME_MASK", "SCHEME_OFFSET",
  "CTX_SCHEME", "CTX_PAGE_SHIFT", "CTX_BOTTOM_MASK", "CTX_MA_VA_BOTTOM_MASK", "CTX_TOP_MASK", "CTX_MA_TOP_MASK",
  "CTX_HOLE_MASK", "CTX_HOLE_SHIFT", "CTX_PFN_INDEX_SHIFT", "CTX_PDX_INDEX_SHIFT", "CTX_REGION_SIZE", "CTX_TABLE_MASK",
  "CTX_MAX_PAGE", "CTX_FRAMETABLE_BASE_PDX", "CTX_GROUP_ORDER", "CTX_PAGE_INFO_SIZE", "CTX_COUNT_INFO_OFFSET", "CTX_PGC_COUNT_MASK",
  "CTX_GROUP_BITMAP", "CTX_GROUP_CHUNKS", "CTX_GROUP_LIMIT", "CTX_TABLE_ENTRIES", "CTX_PFN_PDX_LOOKUP",
  "CTX_PDX_PFN_LOOKUP", "CTX_PFN_BASES", "CTX_SWIZZLE", "CTX_SWIZZLE_BYTES", "CTX_SIZE",
  "OP_PFN_TO_PDX", "OP_PDX_TO_PFN", "OP_MADDR_TO_DIRECTMAPOFF", "OP_DIRECTMAPOFF_TO_MADDR",
  "OFFSET_AUTO", "OFFSET_LANES", "OFFSET_LANES_CONST", "OFFSET_SELECT", "OFFSET_SWIZZLE",
  "SWZ_BYTE", "SWZ_PAIR", "SWZ_BYTE_EQ",
] as const;
const LAYOUT_BIGINTS = ["PAGE_UNBACKED", "PAGE_COUNT_OVERFLOW", "PAGE_COUNT_UNDERFLOW"] as const;

export type Layout = Record<(typeof LAYOUT_NAMES)[number], number> & Record<(typeof LAYOUT_BIGINTS)[number], bigint>;

/** Reads the module's exported layout globals. */
export function readLayout(exports: WebAssembly.Exports): Layout {
  const layout: Record<string, number | bigint> = {};
  const read = (name: string) => {
    const g = exports[name];
    if (!(g instanceof WebAssembly.Global)) throw new Error(`the WASM module does not export layout global ${name}`);
    return g.value as number | bigint;
  };
  for (const name of LAYOUT_NAMES) layout[name] = Number(read(name)) >>> 0;
  for (const name of LAYOUT_BIGINTS) layout[name] = BigInt.asIntN(64, BigInt(read(name)));
  return layout as Layout;
}
