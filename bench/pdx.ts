/**
 * The PDX benchmark: each scheme against the flat lookup (PDX_NONE), and each WASM form
 * against pure-JS forms, all measured in one run. Runner-agnostic: the CLI (Node) and
 * the playground (browser) pass an Engine and, for the two-thread rows, an EnginePool
 * over the same memory.
 *
 * Workloads
 *   pfn_to_pdx, pdx_to_pfn         1,000,000 PFNs drawn from the map's RAM
 *   maddr_to_directmapoff, …_to_maddr   the same, as byte addresses
 *   page_to_mfn, mfn_valid          frame-table indices; a mix of RAM and hole PFNs
 *   mfn_to_page+get_page (seq|rand) mfn_to_page and an atomic RMW of count_info over a
 *                                   frame table of 1 GiB (and 64 GiB) of RAM
 *   the conversions again, split across two threads
 *   the conversions in native C (bench/native-source.ts), when a toolchain is given
 *
 * Each group's cases are timed round robin (bench/round-robin.ts), so the ratios between
 * schemes and implementations compare samples taken side by side.
 */
import {
  catalogueEntry, catalogueMap, EngineCapacityError, makeMemoryMap, platformMfnValid, reference as ref, SeededRandom,
  type ArchName, type Conversion, type Engine, type EnginePool, type MemoryMap, type Pdx, type SchemeName, type WorkerTask,
} from "../src/index.js";
import { numberKernel } from "./js-number.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { NATIVE_BUILDS, type NativeImpl, type NativeToolchain } from "./native.js";
import { NATIVE_OPS, OUTPUT_STAGGER } from "./native-source.js";
import { roundRobinSession, timeCalls, TIMING, type SampledCase } from "./round-robin.js";
import { copySpeed, PDX_BENCH_DEFAULTS, ratioRows, withVsNative, type CopySpeed, type RatioRow } from "./summary.js";

export type Impl = "wasm-simd" | "wasm-batch" | "wasm-call" | "js-bigint" | "js-number" | NativeImpl;
export const IMPLS: readonly Impl[] = ["wasm-simd", "wasm-batch", "wasm-call", "js-bigint", "js-number", "native-c", "native-c-march"];

export interface PdxBenchResult {
  workload: string;
  map: string;
  scheme: SchemeName;
  impl: Impl;
  threads: number;
  /** Median of the samples. */
  ns_per_op: number;
  ops_per_s: number;
  rme: number;
  /** WASM rows with a native-c row alike: native-c's ns/op ÷ this row's (1 = native speed), per-round median. */
  vs_native?: number;
  /** ns/op in each round, in order; rows of one group and workload were sampled in the same rounds. */
  samples: number[];
}

export interface PdxBenchReport {
  machine: MachineInfo;
  quick: boolean;
  /** Items per batch in the conversion workloads. */
  items: number;
  results: PdxBenchResult[];
  /** Groups of cases the engine could not hold, and native builds that could not run, with the reason. */
  skipped: string[];
  /** Each row against PDX_NONE and against native C, with the spread over rounds. */
  ratios: RatioRow[];
  /** How fast the machine copied memory during the run: runs are comparable when these agree. */
  copy_speed?: CopySpeed;
}

export interface PdxBenchOptions {
  quick?: boolean;
  /** Items per conversion batch (default 1,000,000). */
  items?: number;
  /** Two or more threads over the engine's memory, for the multi-thread rows. */
  pool?: EnginePool;
  /** Run every case once and check its output against the bigint reference instead of timing it. */
  verifyOnly?: boolean;
  /** Frame tables to model, in GiB of RAM (default 1 and 64; quick: 1). */
  frametableGiB?: number[];
  /** Builds and runs the conversions in C too (Node: bench/native-runner.ts). */
  native?: NativeToolchain;
  /** Rounds and sample length (default: TIMING in round-robin.ts). */
  timing?: { rounds: number; sampleMs: number };
  onProgress?: (done: number, total: number, label: string) => void;
}

/** The maps of the conversion workloads: both schemes compress on the first three. */
export const BENCH_MAPS: ReadonlyArray<{ id: string; arch: ArchName; schemes: SchemeName[]; quick: boolean }> = [
  { id: "arm-fvp", arch: "arm64", schemes: ["none", "mask", "offset"], quick: true },
  { id: "amd-versal-gen2", arch: "arm64", schemes: ["none", "mask", "offset"], quick: false },
  { id: "xen-10", arch: "harness", schemes: ["none", "mask", "offset"], quick: false },
  { id: "intel-gnr-4s", arch: "x86-64", schemes: ["none", "offset"], quick: true },
];

/** `n` PFNs drawn uniformly from the map's RAM pages. */
export function ramPfns(map: MemoryMap, pageShift: number, n: number, seed = 11): bigint[] {
  const shift = BigInt(pageShift);
  const ranges = map.ranges.map((r) => ({ first: r.start >> shift, pages: Number((r.end - r.start) >> shift) }));
  const total = ranges.reduce((s, r) => s + r.pages, 0);
  const rnd = new SeededRandom(seed); // deterministic: every run converts the same PFNs
  return Array.from({ length: n }, () => {
    let k = Math.floor(rnd.next() * total);
    for (const r of ranges) { if (k < r.pages) return r.first + BigInt(k); k -= r.pages; }
    return ranges[0].first;
  });
}

/** Batches per worker message in the multi-thread rows. */
const POOL_ROUNDS = 32;

/**
 * A case before timing: the row it becomes, how it is timed, and a check that runs it
 * once and compares its output with the bigint reference (never while timing).
 */
interface Planned extends SampledCase { row: Omit<PdxBenchResult, "ns_per_op" | "ops_per_s" | "rme" | "samples">; verify: () => Promise<string | null> }

/** Compares produced values with expected ones; the first difference, or null. */
function diff(what: string, got: ArrayLike<bigint | number>, want: ArrayLike<bigint | number>): string | null {
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return `${what}[${i}] = ${got[i]}, expected ${want[i]}`;
  return null;
}

/** A group of cases sharing set-up (and memory) that is released when they are done. */
interface Group { label: string; count: number; plan(): Promise<Planned[]>; release(): Promise<void> }

/** The conversions' arrays sit as in the native program: inputs at a page boundary, the output OUTPUT_STAGGER bytes past one. */
const PAGE = 4096;

/** allocU64 (and anything else to undo) remembered, so a group can give it all back. */
function arena(engine: Engine) {
  const arrays: BigUint64Array[] = [];
  const undo: Array<() => unknown> = [];
  const u64 = (n: number) => { const a = engine.allocU64(n); arrays.push(a); return a; };
  return {
    u64,
    /** `n` u64 starting `at` bytes past a 4 KiB boundary (a view into a slightly larger array). */
    placed: (n: number, at: number) => {
      const a = u64(n + PAGE / 8);
      const skip = (((at - a.byteOffset) % PAGE) + PAGE) % PAGE;
      return a.subarray(skip / 8, skip / 8 + n);
    },
    defer: (fn: () => unknown) => { undo.push(fn); },
    release: async () => {
      for (const a of arrays.splice(0)) engine.freeU64(a);
      for (const fn of undo.splice(0).reverse()) await fn();
    },
  };
}
type Arena = ReturnType<typeof arena>;

/** What every group's planning may use besides its own set-up. */
/**
 * The one-thread rows of one scheme on one map, per workload: conversionCases adds exactly
 * these (it refuses any other), so the progress total is counted from this table.
 */
const CONVERSION_ROWS: Readonly<Record<string, readonly Impl[]>> = {
  pfn_to_pdx: ["wasm-simd", "wasm-batch", "wasm-call", "js-bigint", "js-number"],
  pdx_to_pfn: ["wasm-simd", "wasm-batch", "wasm-call", "js-bigint", "js-number"],
  maddr_to_directmapoff: ["wasm-simd", "wasm-batch", "js-bigint"],
  directmapoff_to_maddr: ["wasm-simd", "wasm-batch", "js-bigint"],
  mfn_valid: ["wasm-batch", "js-bigint"],
  page_to_mfn: ["wasm-batch", "js-bigint"],
};
/** The multi-thread rows (both batch kernels, each PFN ⇄ PDX direction) and the frame-table walks' access orders. */
const POOL_KERNELS = ["simd", "scalar"] as const, POOL_WORKLOADS = ["pfn_to_pdx", "pdx_to_pfn"];
const FRAMETABLE_ORDERS = ["seq", "random"] as const;

/** Rows of one scheme on one map: the table's, the pool's when it has two threads, one per native build and op. */
function casesPerScheme(pool: boolean, native: boolean): number {
  const oneThread = Object.values(CONVERSION_ROWS).reduce((n, impls) => n + impls.length, 0);
  return oneThread + (pool ? POOL_KERNELS.length * POOL_WORKLOADS.length : 0) + (native ? NATIVE_OPS.length * NATIVE_BUILDS.length : 0);
}

interface PlanContext { engine: Engine; items: number; pool?: EnginePool; native?: NativeToolchain; skipped: Set<string> }

async function conversionCases(ctx: PlanContext, mem: Arena, pdx: Pdx, mapId: string): Promise<Planned[]> {
  const { engine, items, pool } = ctx;
  const p = pdx.platform;
  const s = p.state;
  const shift = BigInt(p.arch.pageShift);
  const pfns = mem.placed(items, 0);
  pfns.set(ramPfns(catalogueMap(catalogueEntry(mapId)!), p.arch.pageShift, items));
  const pdxs = mem.placed(items, 0);
  pdx.convert("pfnToPdx", pfns, { out: pdxs });
  const maddrs = mem.placed(items, 0);
  maddrs.set(pfns.map((x) => (x << shift) | 0x123n));
  const offs = mem.placed(items, 0);
  pdx.convert("maddrToDirectmapoff", maddrs, { out: offs });
  const out = mem.placed(items, OUTPUT_STAGGER);
  const jsOut = new BigUint64Array(items);
  const halves = (a: BigUint64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const rows: Planned[] = [];
  /** Expected outputs per workload, from the bigint reference. */
  let expected: ArrayLike<bigint | number> = [];
  const expectedOf = new Map<string, ArrayLike<bigint | number>>();
  let produced: () => ArrayLike<bigint | number> = () => out;
  const add = (workload: string, impl: Impl, fn: () => void | Promise<unknown>, threads = 1, async = false, itemsPerCall = items) => {
    if (threads === 1 && !CONVERSION_ROWS[workload]?.includes(impl)) throw new Error(`bench: ${workload} ${impl} is not in CONVERSION_ROWS`);
    const want = expected, got = produced;
    const name = `${workload} ${mapId} ${s.scheme} ${impl} ×${threads}`;
    expectedOf.set(workload, want);
    rows.push({
      row: { workload, map: mapId, scheme: s.scheme, impl, threads }, name, itemsPerCall, run: timeCalls(fn, async),
      verify: async () => { await fn(); return diff(name, got(), want); },
    });
  };

  const directions: Array<[string, Conversion, BigUint64Array, (x: bigint) => bigint, boolean]> = [
    ["pfn_to_pdx", "pfnToPdx", pfns, (x) => ref.pfnToPdx(s, x), true],
    ["pdx_to_pfn", "pdxToPfn", pdxs, (x) => ref.pdxToPfn(s, x), false],
  ];
  // The per-item loops: one literal per conversion, so each call site sees one callee, as
  // in a caller's own loop (one loop calling through a variable was polymorphic, and timed
  // the API call at 13 ns per item against 4–9 ns written out).
  const perItem: Record<string, { api?: () => void; reference: () => void }> = {
    pfn_to_pdx: {
      api: () => { for (let i = 0; i < items; i++) jsOut[i] = pdx.pfnToPdx(pfns[i]); },
      reference: () => { for (let i = 0; i < items; i++) jsOut[i] = ref.pfnToPdx(s, pfns[i]); },
    },
    pdx_to_pfn: {
      api: () => { for (let i = 0; i < items; i++) jsOut[i] = pdx.pdxToPfn(pdxs[i]); },
      reference: () => { for (let i = 0; i < items; i++) jsOut[i] = ref.pdxToPfn(s, pdxs[i]); },
    },
    maddr_to_directmapoff: { reference: () => { for (let i = 0; i < items; i++) jsOut[i] = ref.maddrToDirectmapoff(s, maddrs[i]); } },
    directmapoff_to_maddr: { reference: () => { for (let i = 0; i < items; i++) jsOut[i] = ref.directmapoffToMaddr(s, offs[i]); } },
  };
  for (const [workload, conversion, input, reference, toPdx] of directions) {
    expected = input.map(reference);
    produced = () => out;
    add(workload, "wasm-simd", () => { pdx.convert(conversion, input, { out, kernel: "simd" }); });
    add(workload, "wasm-batch", () => { pdx.convert(conversion, input, { out, kernel: "scalar" }); });
    produced = () => jsOut;
    add(workload, "wasm-call", perItem[workload].api!);
    add(workload, "js-bigint", perItem[workload].reference);
    const kernel = numberKernel(s, toPdx);
    const src = halves(input), dst = halves(out);
    produced = () => out;
    add(workload, "js-number", () => { kernel(src, dst, items); });
    if (pool && pool.size >= 2 && POOL_WORKLOADS.includes(workload)) {
      // Each worker converts its half POOL_ROUNDS times per message, so the ~0.1 ms
      // message round trip does not swamp a batch that takes ~0.1 ms.
      const op = engine.layout[conversion === "pfnToPdx" ? "OP_PFN_TO_PDX" : "OP_PDX_TO_PFN"];
      const half = Math.floor(items / 2);
      for (const kernelName of POOL_KERNELS) {
        const task = (from: number, n: number): WorkerTask => ({ kind: "convert", ctx: pdx.ctx, op, src: input.byteOffset + from * 8, dst: out.byteOffset + from * 8, n, rounds: POOL_ROUNDS, kernel: kernelName });
        add(workload, kernelName === "simd" ? "wasm-simd" : "wasm-batch", () => pool.run([task(0, half), task(half, items - half)]), 2, true, items * POOL_ROUNDS);
      }
    }
  }
  for (const [workload, conversion, input, reference] of [
    ["maddr_to_directmapoff", "maddrToDirectmapoff", maddrs, (x: bigint) => ref.maddrToDirectmapoff(s, x)],
    ["directmapoff_to_maddr", "directmapoffToMaddr", offs, (x: bigint) => ref.directmapoffToMaddr(s, x)],
  ] as const) {
    expected = input.map(reference);
    produced = () => out;
    add(workload, "wasm-simd", () => { pdx.convert(conversion, input, { out, kernel: "simd" }); });
    add(workload, "wasm-batch", () => { pdx.convert(conversion, input, { out, kernel: "scalar" }); });
    produced = () => jsOut;
    add(workload, "js-bigint", perItem[workload].reference);
  }

  // mfn_valid over a mix: every other PFN moved into a hole (past max_page or into a hole bit).
  const mixed = mem.u64(items);
  mixed.set(pfns.map((x, i) => (i & 1 ? x : x + p.maxPage)));
  const valid = new Uint8Array(items);
  expected = Uint8Array.from(mixed, (m) => (platformMfnValid(p, m) ? 1 : 0));
  produced = () => valid;
  add("mfn_valid", "wasm-batch", () => { pdx.mfnValidBatch(mixed, valid); });
  add("mfn_valid", "js-bigint", () => { for (let i = 0; i < items; i++) valid[i] = platformMfnValid(p, mixed[i]) ? 1 : 0; });
  const pages = mem.u64(items);
  pdx.mfnToPageBatch(pfns, pages);
  expected = pfns;
  produced = () => out;
  add("page_to_mfn", "wasm-batch", () => { pdx.pageToMfnBatch(pages, out); });
  produced = () => jsOut;
  add("page_to_mfn", "js-bigint", () => { for (let i = 0; i < items; i++) jsOut[i] = BigInt.asUintN(64, ref.pdxToPfn(s, pages[i] + p.frametableBasePdx)); });
  if (ctx.native) {
    // The same inputs, in OP order; each build's output is checked like every other row's.
    const session = await ctx.native.open(s, [pfns, pdxs, maddrs, offs]);
    mem.defer(() => session.close());
    for (const why of session.skipped) ctx.skipped.add(why);
    for (const k of session.kernels) {
      NATIVE_OPS.forEach((workload, op) => {
        const want = expectedOf.get(workload)!;
        const name = `${workload} ${mapId} ${s.scheme} ${k.impl} ×1`;
        rows.push({
          row: { workload, map: mapId, scheme: s.scheme, impl: k.impl, threads: 1 }, name, itemsPerCall: items,
          run: (reps) => k.time(op, reps), verify: async () => diff(name, await k.output(op), want),
        });
      });
    }
  }
  const own = rows.filter((r) => !NATIVE_BUILDS.some((b) => b.impl === r.row.impl)).length;
  if (own !== casesPerScheme(!!pool && pool.size >= 2, false)) throw new Error(`bench: ${own} cases for ${mapId} ${s.scheme}, the count says ${casesPerScheme(!!pool && pool.size >= 2, false)}`);
  // Native rows sit beside the other rows of their workload.
  const order = [...new Set(rows.map((r) => r.row.workload))];
  return rows.sort((a, b) => order.indexOf(a.row.workload) - order.indexOf(b.row.workload));
}

/** Two banks of `gib`/2 GiB each, far apart (at 2 GiB and at 1 TiB), so mask and offset both compress. */
export function frametableMap(gib: number): MemoryMap {
  const half = BigInt(gib) << 29n;
  return makeMemoryMap(`${gib} GiB`, "json", [{ start: 2n << 30n, end: (2n << 30n) + half }, { start: 1n << 40n, end: (1n << 40n) + half }]);
}

function frametableCases(mem: Arena, pdx: Pdx, gib: number): Planned[] {
  const map = frametableMap(gib);
  const shift = BigInt(pdx.platform.arch.pageShift);
  for (const r of map.ranges) pdx.frameTable.backMfns(r.start >> shift, r.end >> shift);
  const count = Number(map.ranges.reduce((n, r) => n + ((r.end - r.start) >> shift), 0n));
  const seq = mem.u64(count);
  let k = 0;
  for (const r of map.ranges) for (let m = r.start >> shift; m < r.end >> shift; m++) seq[k++] = m;
  const rand = mem.u64(count);
  rand.set(seq);
  const rnd = new SeededRandom(7);
  for (let i = count - 1; i > 0; i--) { const j = Math.floor(rnd.next() * (i + 1)); const t = rand[i]; rand[i] = rand[j]; rand[j] = t; }
  const rows: Planned[] = [];
  for (const [order, mfns] of FRAMETABLE_ORDERS.map((o) => [o, o === "seq" ? seq : rand] as const)) {
    const workload = `mfn_to_page+get_page (${order})`;
    const name = `${workload} ${map.name} ${pdx.platform.state.scheme}`;
    let taken = 0;
    const fn = () => { taken = pdx.getPageBatch(mfns); };
    rows.push({
      row: { workload, map: map.name, scheme: pdx.platform.state.scheme, impl: "wasm-batch", threads: 1 }, name, itemsPerCall: count, run: timeCalls(fn),
      // every page was taken once by this call: all succeeded and the counts moved together
      verify: async () => (fn(), taken !== count ? `${name}: ${taken} of ${count} get_page calls succeeded`
        : pdx.frameTable.pageCount(mfns[0]) !== pdx.frameTable.pageCount(mfns[count - 1]) ? `${name}: counts differ between first and last page` : null),
    });
  }
  return rows;
}

/** Counts and plans every group of cases, in order, without allocating yet. */
function plan(ctx: PlanContext, o: { quick?: boolean; frametableGiB: number[] }): Group[] {
  const groups: Group[] = [];
  const perScheme = casesPerScheme(!!ctx.pool && ctx.pool.size >= 2, !!ctx.native);
  const group = (label: string, count: number, setups: Array<(mem: Arena) => Promise<Planned[]> | Planned[]>, pdxs: Pdx[]): Group => {
    const mem = arena(ctx.engine);
    return {
      label, count,
      plan: async () => { const planned: Planned[] = []; for (const setup of setups) planned.push(...await setup(mem)); return planned; },
      release: async () => { await mem.release(); for (const pdx of pdxs.splice(0)) pdx.dispose(); },
    };
  };
  // A map's schemes form one group, so scheme/none ratios compare samples taken side by side.
  for (const m of BENCH_MAPS.filter((x) => x.quick || !o.quick)) {
    const pdxs: Pdx[] = [];
    const setups = m.schemes.map((scheme) => (mem: Arena) => {
      const pdx = ctx.engine.setup(catalogueMap(catalogueEntry(m.id)!), { arch: m.arch, scheme });
      pdxs.push(pdx);
      return conversionCases(ctx, mem, pdx, m.id);
    });
    groups.push(group(m.id, m.schemes.length * perScheme, setups, pdxs));
  }
  for (const gib of o.frametableGiB) {
    for (const scheme of ["none", "mask", "offset"] as const) {
      const pdxs: Pdx[] = [];
      const setup = (mem: Arena) => {
        const pdx = ctx.engine.setup(frametableMap(gib), { arch: "harness", scheme });
        pdxs.push(pdx);
        return frametableCases(mem, pdx, gib);
      };
      groups.push(group(`${gib} GiB frame table ${scheme}`, FRAMETABLE_ORDERS.length, [setup], pdxs));
    }
  }
  return groups;
}

/** Splits a group's cases into the sets timed round robin: one set per workload. */
/**
 * The rows behind the ratios the README quotes (one-thread wasm-simd and native-c, every
 * scheme): timed in a set of their own, so a round is short and its samples close in time.
 */
const quoted = (row: Planned["row"]) => (row.impl === "wasm-simd" && row.threads === 1) || row.impl === "native-c";
/** The quoted set takes this many times the rounds: its cases are fast, and its ratios are the ones compared across runs. */
export const QUOTED_ROUNDS = 6;
/** Slices each set's rounds are taken in, the group's sets in turn (bench/round-robin.ts). */
const PASSES = 10;

/** Splits a group's cases into the sets timed round robin: per workload, the quoted rows apart from the rest. */
function sets(planned: Planned[]): Planned[][] {
  const byKey = new Map<string, Planned[]>();
  for (const c of planned) {
    const key = `${c.row.workload}|${quoted(c.row)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  return [...byKey.values()];
}

export async function runPdxBench(engine: Engine, options: PdxBenchOptions = {}): Promise<PdxBenchReport> {
  const o = { ...options, items: options.items ?? PDX_BENCH_DEFAULTS.items, frametableGiB: options.frametableGiB ?? [...PDX_BENCH_DEFAULTS.frametableGiB[options.quick ? "quick" : "full"]] };
  const timing = o.timing ?? TIMING[o.quick ? "quick" : "full"];
  const skipped = new Set<string>();
  const groups = plan({ engine, items: o.items, pool: o.pool, native: o.native, skipped }, o);
  const total = groups.reduce((n, g) => n + g.count, 0);
  const results: PdxBenchResult[] = [];
  let done = 0;
  for (const g of groups) {
    let planned: Planned[];
    try {
      planned = await g.plan();
    } catch (e) {
      // A group the engine cannot hold (wasm32 memory) is reported, not fatal.
      await g.release();
      if (!(e instanceof EngineCapacityError)) throw e;
      skipped.add(`${g.label}: ${e.message}`);
      continue;
    }
    try {
      // Every case is checked once, before any timing: a wrong result is never timed.
      for (const c of planned) {
        const problem = await c.verify();
        if (problem) throw new Error(`benchmark case computes a wrong result: ${problem}`);
        if (o.verifyOnly) o.onProgress?.(++done, total, c.name);
      }
      const timed = new Map<Planned, Pick<PdxBenchResult, "ns_per_op" | "ops_per_s" | "rme" | "samples">>();
      if (o.verifyOnly) for (const c of planned) timed.set(c, { ns_per_op: NaN, ops_per_s: NaN, rme: NaN, samples: [] });
      else {
        // The group's sets are taken in PASSES slices each, in turn, so every set's rounds
        // spread over the whole group's time rather than one stretch of it.
        const runs = sets(planned).map((set) => {
          const rounds = timing.rounds * (quoted(set[0].row) ? QUOTED_ROUNDS : 1);
          return { set, rounds, session: roundRobinSession(set, { ...timing, rounds }) };
        });
        for (const r of runs) await r.session.calibrate();
        for (let pass = 0; pass < PASSES; pass++) {
          for (const r of runs) {
            await r.session.rounds(Math.ceil(r.rounds * (pass + 1) / PASSES) - Math.ceil(r.rounds * pass / PASSES));
            if (pass === PASSES - 1) done += r.set.length;
            o.onProgress?.(done, total, r.set[0].name);
          }
        }
        for (const { set, session } of runs) {
          const r = session.results();
          set.forEach((c, i) => timed.set(c, { ns_per_op: r[i].ns_per_op, ops_per_s: r[i].ops_per_s, rme: r[i].rme, samples: r[i].samples }));
        }
      }
      for (const c of planned) results.push({ ...c.row, ...timed.get(c)! });
    } finally {
      await g.release();
    }
  }
  const rows = withVsNative(results);
  return { machine: await machineInfo(), quick: !!o.quick, items: o.items, results: rows, skipped: [...skipped], ratios: ratioRows(rows), copy_speed: o.verifyOnly ? undefined : copySpeed({ results: rows }) };
}
