/**
 * The offset scheme's v128 kernels side by side, by number of RAM regions: the flat copy
 * (PDX_NONE), two lane extracts and two table loads per vector ("lanes"; "lanes-const"
 * with the index shift a constant), compare-and-select over the table's runs of
 * equal deltas ("select", up to 8 runs), and a table lookup inside a v128 ("swizzle",
 * i8x16.swizzle, where the table's nonzero deltas fit its shapes), each timed
 * round robin with the others, each output checked against the bigint reference first.
 * The engine's automatic choice (assembly/pdx.ts offsetBatch) is set from these numbers.
 */
import { makeMemoryMap, reference as ref, type Engine, type MemoryMap } from "../src/index.js";
import { ramPfns } from "./pdx.js";
import { roundRobin, timeCalls, type RoundRobinOptions, type SampledCase } from "./round-robin.js";
import { ratioSpread, type Spread } from "./stats.js";

export type OffsetKernel = "none" | "lanes" | "lanes-const" | "select" | "swizzle" | "auto";

export interface OffsetKernelRow {
  regions: number;
  workload: "pfn_to_pdx" | "pdx_to_pfn";
  /** Runs of equal deltas in the table this conversion reads. */
  runs: number;
  kernel: OffsetKernel;
  /** For "auto": the kernel the engine chose. */
  ran?: OffsetKernel;
  ns_per_op: number;
  /** ns/op ÷ the flat copy's, round by round. */
  vs_none?: Spread;
}

/** `regions` banks of 1 GiB, 256 GiB apart: the harness's offset setup gives regions + 1 runs. */
export function regionsMap(regions: number): MemoryMap {
  return makeMemoryMap(`${regions} regions`, "json", Array.from({ length: regions }, (_, i) => ({ start: (BigInt(i) << 38n) + (2n << 30n), end: (BigInt(i) << 38n) + (3n << 30n) })));
}

const runsOf = (table: readonly bigint[]) => table.filter((v, i) => i === 0 || v !== table[i - 1]).length;

export interface OffsetKernelOptions extends RoundRobinOptions { items: number; maxRegions?: number }

export async function runOffsetKernels(engine: Engine, o: OffsetKernelOptions): Promise<OffsetKernelRow[]> {
  const x = engine.exports;
  const { OFFSET_LANES, OFFSET_LANES_CONST, OFFSET_SELECT, OFFSET_SWIZZLE, OFFSET_AUTO } = engine.layout;
  const names: Record<number, OffsetKernel> = { [OFFSET_LANES]: "lanes", [OFFSET_LANES_CONST]: "lanes-const", [OFFSET_SELECT]: "select", [OFFSET_SWIZZLE]: "swizzle" };
  const rows: OffsetKernelRow[] = [];
  for (let regions = 1; regions <= (o.maxRegions ?? 8); regions++) {
    const map = regionsMap(regions);
    const none = engine.setup(map, { arch: "harness", scheme: "none" });
    const offset = engine.setup(map, { arch: "harness", scheme: "offset" });
    const s = offset.platform.state;
    if (s.scheme !== "offset" || !s.compressed) throw new Error(`${map.name}: offset setup did not compress`);
    const pfns = engine.allocU64(o.items), pdxs = engine.allocU64(o.items), out = engine.allocU64(o.items);
    try {
      pfns.set(ramPfns(map, s.pageShift, o.items));
      offset.convert("pfnToPdx", pfns, { out: pdxs, kernel: "scalar" });
      for (const [workload, op, input, table, reference] of [
        ["pfn_to_pdx", engine.layout.OP_PFN_TO_PDX, pfns, s.pfnPdxLookup, ref.pfnToPdx],
        ["pdx_to_pfn", engine.layout.OP_PDX_TO_PFN, pdxs, s.pdxPfnLookup, ref.pdxToPfn],
      ] as const) {
        const want = input.map((v) => reference(s, v));
        const kernels: Array<[OffsetKernel, number]> = [["lanes", OFFSET_LANES], ["lanes-const", OFFSET_LANES_CONST], ["select", OFFSET_SELECT], ["swizzle", OFFSET_SWIZZLE], ["auto", OFFSET_AUTO]];
        const ran = new Map<OffsetKernel, OffsetKernel>();
        for (const [kernel, variant] of kernels) {
          out.fill(0n);
          ran.set(kernel, names[x.convert_batch_offset(offset.ctx, op, input.byteOffset, out.byteOffset, o.items, variant)]);
          const bad = out.findIndex((v, i) => v !== want[i]);
          if (bad >= 0) throw new Error(`offset ${kernel} kernel, ${map.name}, ${workload}[${bad}]: ${out[bad]}, expected ${want[bad]}`);
        }
        // "select" falls back to lanes past 8 runs, "swizzle" where no shape fits: time only kernels that really ran as named
        const timed = (["none", ...kernels.map(([k]) => k)] as OffsetKernel[]).filter((k) => k === "none" || k === "auto" || ran.get(k) === k);
        const cases: SampledCase[] = timed.map((kernel) => ({
          name: `${map.name} ${workload} ${kernel}`, itemsPerCall: o.items,
          run: kernel === "none"
            ? timeCalls(() => x.convert_batch(none.ctx, op, input.byteOffset, out.byteOffset, o.items))
            : timeCalls(() => { x.convert_batch_offset(offset.ctx, op, input.byteOffset, out.byteOffset, o.items, kernels.find(([k]) => k === kernel)![1]); }),
        }));
        const results = await roundRobin(cases, o);
        timed.forEach((kernel, i) => rows.push({
          regions, workload, runs: runsOf(table), kernel, ...(kernel === "auto" ? { ran: ran.get("auto") } : {}),
          ns_per_op: results[i].ns_per_op, ...(kernel === "none" ? {} : { vs_none: ratioSpread(results[i].samples, results[0].samples) }),
        }));
      }
    } finally {
      for (const a of [pfns, pdxs, out]) engine.freeU64(a);
      none.dispose();
      offset.dispose();
    }
  }
  return rows;
}
