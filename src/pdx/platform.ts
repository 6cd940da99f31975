/**
 * What an arch's boot code does around PDX setup (docs/notes/pdx.md §2.3–§2.4, §5.1):
 * register the ranges, pick `base`, run setup, check that every RAM range is covered
 * (else reset), then derive max_page / max_pdx, the frame-table base and the valid
 * PDX groups. Pure bigint: no WASM needed, so reports and tests run anywhere.
 */
import { frametableNr, pdxGroupCount, type ArchProfile } from "../arch.js";
import { checkArchProfile } from "../arch-check.js";
import { checkMemoryMap, type MemoryMap, type RamRange } from "../memmap/map.js";
import { checkOptions, intIn, oneOf } from "../options.js";
import { InvalidArgumentError } from "../errors.js";
import { describeValue, toU64, type U64Input } from "../u64.js";
import { hex } from "./bits.js";
import { groupsOfRange, normalizeGroups, populatedFrames, type GroupInterval } from "./groups.js";
import { MAX_ORDER_RANGE, TABLE_ORDER_RANGE, toPfnRanges, type SetupParams } from "./params.js";
import { isPfnInScheme, isRegionCompressible, pdxToPfn, pfnToPdx } from "./reference.js";
import { compressionSetup } from "./setup.js";
import { identityState, SCHEMES, type PdxState, type SchemeName } from "./state.js";

export interface PlatformOptions {
  /** Scheme to run; "auto" (default) is the arch's Kconfig default. */
  scheme?: SchemeName | "auto";
  maxOrder?: number;
  tableOrder?: number;
  /** Overrides the arch's choice of setup base (bytes). */
  base?: U64Input;
}

/** The option names, through a Record so that a new option cannot be left out of the check. */
const OPTION_SET: Record<keyof PlatformOptions, true> = { scheme: true, maxOrder: true, tableOrder: true, base: true };
export const PLATFORM_OPTION_KEYS = Object.keys(OPTION_SET) as ReadonlyArray<keyof PlatformOptions>;

interface CheckedOptions { scheme: SchemeName | "auto"; maxOrder?: number; tableOrder?: number; base?: bigint }

/** Options validated like the CLI flags; absent ones stay absent (the arch decides). */
export function checkPlatformOptions(options: PlatformOptions | undefined): CheckedOptions {
  const o = checkOptions("setup options", options, PLATFORM_OPTION_KEYS);
  return {
    scheme: o.scheme === undefined ? "auto" : oneOf("scheme", o.scheme, ["auto", ...SCHEMES]),
    maxOrder: o.maxOrder === undefined ? undefined : intIn("maxOrder", o.maxOrder, ...MAX_ORDER_RANGE),
    tableOrder: o.tableOrder === undefined ? undefined : intIn("tableOrder", o.tableOrder, ...TABLE_ORDER_RANGE),
    base: o.base === undefined ? undefined : toU64("base", o.base),
  };
}

export interface Platform {
  readonly arch: ArchProfile;
  readonly scheme: SchemeName;
  readonly params: SetupParams;
  /** Final state: identity when setup declined or the coverage check reset it. */
  readonly state: PdxState;
  /** Xen's log lines, setup and arch caller. */
  readonly log: readonly string[];
  /** First RAM PFN past the end of RAM (exclusive bound of mfn_valid). */
  readonly maxPage: bigint;
  /** Exclusive upper bound of PDXs in use. */
  readonly maxPdx: bigint;
  /** PDX of frame_table[0]: 0 on x86, the first RAM group on Arm. */
  readonly frametableBasePdx: bigint;
  /** PDX groups holding RAM, as sorted intervals (group 0 always valid, as in Xen). */
  readonly groups: readonly GroupInterval[];
  readonly groupCount: bigint;
  /** page_info records in the frame table's virtual span [frametableBasePdx, maxPdx). */
  readonly frametableFrames: bigint;
  /** page_info records Xen backs with memory (valid groups only). */
  readonly populatedFrames: bigint;
  /** RAM Xen cannot use because its PDX is beyond FRAMETABLE_NR, in pages (0 if none; x86). */
  readonly unreachablePages: bigint;
  /** The PDX span exceeds FRAMETABLE_NR where the frame table starts at the first RAM group: Arm panics at boot. */
  readonly frametableTooSmall: boolean;
}

const FOUR_GIB = 1n << 32n;

function setupBase(arch: ArchProfile, ram: readonly RamRange[]): bigint | null {
  if (arch.setupBase === "zero") return 0n;
  const above = ram.filter((r) => r.start >= FOUR_GIB).map((r) => r.start);
  return above.length ? above.reduce((a, b) => (a < b ? a : b)) : null;
}

/** The scheme a run uses: "auto" is the arch's Kconfig default. */
export function schemeOnArch(scheme: SchemeName | "auto", arch: ArchProfile): SchemeName {
  return scheme === "auto" ? arch.defaultScheme : scheme;
}

export function platformSetup(map: MemoryMap, archProfile: ArchProfile, platformOptions?: PlatformOptions): Platform {
  checkMemoryMap(map);
  const arch = checkArchProfile("arch", archProfile);
  const options = checkPlatformOptions(platformOptions);
  const scheme = schemeOnArch(options.scheme, arch);
  const archBase = setupBase(arch, map.coverage);
  const params: SetupParams = {
    maxOrder: options.maxOrder ?? arch.maxOrder,
    pageShift: arch.pageShift,
    tableOrder: options.tableOrder ?? arch.tableOrder,
    maxRanges: arch.maxPfnRanges,
    base: options.base ?? archBase ?? 0n,
  };
  const log: string[] = [];
  let state: PdxState;
  if (options.base === undefined && archBase === null && scheme !== "none") {
    log.push("no RAM at or above 4 GiB: x86 never calls PDX setup on this host");
    state = identityState(scheme, arch.pageShift, params.tableOrder);
  } else {
    const outcome = compressionSetup(scheme, toPfnRanges(map.ranges, arch.pageShift), params);
    log.push(...outcome.log);
    state = outcome.state;
  }

  // The arch caller's coverage check: every RAM range must translate as one block.
  const shift = BigInt(arch.pageShift);
  const pageMask = (1n << shift) - 1n;
  const ramPfns = map.coverage.map((r) => ({ first: r.start >> shift, end: (r.end + pageMask) >> shift }));
  if (state.compressed) {
    const uncovered = map.coverage.find((r, i) => !isRegionCompressible(state, r.start, ramPfns[i].end - ramPfns[i].first));
    if (uncovered) {
      log.push(`PFN compression disabled, RAM region [${hex(uncovered.start)}, ${hex(uncovered.end - 1n)}] not covered`);
      state = identityState(scheme, arch.pageShift, params.tableOrder);
    }
  }

  // max_page / max_pdx, clamped to what the frame table can index.
  const groupCount = pdxGroupCount(arch);
  let maxPage = ramPfns.reduce((m, r) => (r.end > m ? r.end : m), 0n);
  let maxPdx = pfnToPdx(state, maxPage - 1n) + 1n;
  const limit = frametableNr(arch);
  let unreachablePages = 0n;
  if (arch.frametableBase === "pdx-zero" && maxPdx > limit) {
    maxPdx = limit;
    const newMaxPage = pdxToPfn(state, maxPdx - 1n) + 1n;
    for (const r of ramPfns) if (r.end > newMaxPage) unreachablePages += r.end - (r.first > newMaxPage ? r.first : newMaxPage);
    log.push(`frame table covers PDX < ${hex(limit)} (FRAMETABLE_NR): ${hex(unreachablePages)} pages of RAM above ${hex(newMaxPage << shift)} are unusable`);
    maxPage = newMaxPage;
  }

  const firstPfn = ramPfns.reduce((m, r) => (r.first < m ? r.first : m), ramPfns[0].first);
  const frametableBasePdx = arch.frametableBase === "pdx-zero" ? 0n : (pfnToPdx(state, firstPfn) / groupCount) * groupCount;
  const frametableTooSmall = maxPdx - frametableBasePdx > limit;
  if (frametableTooSmall) log.push(`Frametable too small: ${hex(maxPdx - frametableBasePdx)} PDXs exceed FRAMETABLE_NR ${hex(limit)} (Arm init_frametable panics)`);
  const groups = normalizeGroups([
    { start: 0n, end: 1n },
    ...ramPfns.filter((r) => r.first < maxPage).map((r) =>
      groupsOfRange(pfnToPdx(state, r.first), pfnToPdx(state, (r.end < maxPage ? r.end : maxPage) - 1n), groupCount)),
  ]);
  const baseGroup = frametableBasePdx / groupCount;
  const ownGroups = groups.flatMap((g) => (g.end <= baseGroup ? [] : [{ start: g.start > baseGroup ? g.start : baseGroup, end: g.end }]));
  const platform: Platform = {
    arch, scheme, params, state, log, maxPage, maxPdx, frametableBasePdx, groups, groupCount,
    frametableFrames: maxPdx - frametableBasePdx,
    populatedFrames: populatedFrames(ownGroups, maxPdx, groupCount),
    unreachablePages, frametableTooSmall,
  };
  platforms.add(platform);
  return platform;
}

/** Platforms platformSetup returned: the only ones platformMfnValid can trust. */
const platforms = new WeakSet<Platform>();

/** `__mfn_valid` on a Platform, in bigint: the reference for the engine's mfn_valid. */
export function platformMfnValid(p: Platform, mfnInput: U64Input): boolean {
  if (!platforms.has(p)) throw new InvalidArgumentError("platformMfnValid(platform)", `expected a Platform from platformSetup, got ${describeValue(p)}`);
  const mfn = toU64("platformMfnValid(mfn)", mfnInput);
  if (mfn >= p.maxPage || !isPfnInScheme(p.state, mfn)) return false;
  const pdx = pfnToPdx(p.state, mfn);
  if (pdx < p.frametableBasePdx) return false;
  const group = pdx / p.groupCount;
  return p.groups.some((g) => g.start <= group && group < g.end);
}
