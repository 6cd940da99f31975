/**
 * Offset compression setup (docs/notes/pdx.md §4.2): give every RAM region a power-of-two
 * slot in PDX space and find a few PFN bits that tell regions apart, to index a table of
 * per-region offsets.
 *
 *   pdx = pfn − pfn_pdx_lookup[(pfn >> pfn_index_shift) & (NR − 1)]
 *   pfn = pdx + pdx_pfn_lookup[(pdx >> pdx_index_shift) & (NR − 1)]
 *
 * Reproduces the fixed code (after Xen commit edf94220: the moving-bit mask is taken
 * after all merges) and the contained-range quirk of §4.5: a merge takes the later
 * range's end without a max(), so a range inside its predecessor shrinks it.
 */
import { ffsl, flsl, pdxInitMask, pdxRegionMask, U64_MAX, u64 } from "./bits.js";
import type { PfnRange, SetupParams } from "./params.js";
import { identityOffset, type OffsetState } from "./state.js";

interface MutableRange { basePfn: bigint; pages: bigint }

/** Merges range `i` into `i − 1` the way Xen does: the result ends where range `i` ends. */
function mergeIntoPrevious(r: MutableRange[], i: number): void {
  r[i - 1].pages = r[i].basePfn + r[i].pages - r[i - 1].basePfn;
  r.splice(i, 1);
}

/** Step 3: align bases down to 2^MAX_ORDER pages (end fixed); merge strict overlaps. */
function alignAndMerge(r: MutableRange[], maxOrder: number): void {
  const align = (1n << BigInt(maxOrder)) - 1n;
  for (let i = 0; i < r.length; ) {
    const aligned = r[i].basePfn & ~align;
    r[i].pages += r[i].basePfn - aligned;
    r[i].basePfn = aligned;
    if (i > 0 && r[i].basePfn < r[i - 1].basePfn + r[i - 1].pages) mergeIntoPrevious(r, i);
    else i++;
  }
}

/** Step 5: which PFN bits index the table. */
function chooseIndexShift(mask: bigint, idxMask: bigint, tableOrder: number, log: string[]): number {
  if (idxMask === 0n) return flsl(mask);
  const width = flsl(idxMask) - ffsl(idxMask);
  if (width < tableOrder) return ffsl(idxMask) - 1;
  log.push(`PFN compression table index truncated, requires order ${width + 1}`);
  return flsl(idxMask) - tableOrder;
}

export function offsetSetup(ranges: readonly PfnRange[], p: SetupParams, log: string[]): OffsetState {
  const identity = identityOffset(p.pageShift, p.tableOrder);
  const nrMask = BigInt((1 << p.tableOrder) - 1);
  const shift = BigInt(p.pageShift);

  // Step 2: sort by base (stable, so equal bases keep their registration order).
  const r: MutableRange[] = ranges.map((x) => ({ ...x })).sort((a, b) => (a.basePfn < b.basePfn ? -1 : a.basePfn > b.basePfn ? 1 : 0));
  alignAndMerge(r, p.maxOrder);

  // Step 4: bits that move inside some range, and bits that tell ranges apart.
  let mask = pdxInitMask(p.base, p.maxOrder, p.pageShift) >> shift;
  for (const x of r) mask |= pdxRegionMask(x.basePfn, x.pages);
  let idxMask = 0n;
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) idxMask |= r[i].basePfn ^ r[j].basePfn;
  idxMask &= ~mask;

  const pfnIndexShift = chooseIndexShift(mask, idxMask, p.tableOrder, log);
  const slotOf = (pfn: bigint) => (pfn >> BigInt(pfnIndexShift)) & nrMask;

  // Step 6: every range must sit in one slot; neighbours sharing a slot merge.
  for (let i = 0; i < r.length; ) {
    if (slotOf(r[i].basePfn) !== slotOf(r[i].basePfn + r[i].pages - 1n)) {
      log.push("PFN compression is invalid, disabling");
      return identity;
    }
    if (i > 0 && slotOf(r[i].basePfn) === slotOf(r[i - 1].basePfn)) mergeIntoPrevious(r, i);
    else i++;
  }

  // Step 7: one region size for all: a power of two ≥ max(largest range, 2^MAX_ORDER).
  const largest = r.reduce((m, x) => (x.pages > m ? x.pages : m), 0n);
  const sizeMask = pdxInitMask(largest << shift, p.maxOrder, p.pageShift) >> shift;
  const pdxRegionSize = sizeMask + 1n;

  // Step 8: the last region must land below its PFN, or there is nothing to gain.
  if (pdxRegionSize * BigInt(r.length - 1) >= r[r.length - 1].basePfn) {
    log.push("PFN compression yields no space gain, disabling");
    return identity;
  }

  // Step 9: the tables. Unused slots get base ~0 so they fail every range check.
  const pfnPdxLookup = [...identity.pfnPdxLookup];
  const pdxPfnLookup = [...identity.pdxPfnLookup];
  const pfnBases = new Array<bigint>(pfnPdxLookup.length).fill(U64_MAX);
  log.push(`PFN compression using lookup table shift ${pfnIndexShift} and region size 0x${pdxRegionSize.toString(16)}`);
  r.forEach((x, i) => {
    const slot = Number(slotOf(x.basePfn));
    const offset = u64(x.basePfn - BigInt(i) * pdxRegionSize);
    pfnPdxLookup[slot] = offset;
    pdxPfnLookup[i] = offset;
    pfnBases[slot] = x.basePfn;
    log.push(`  range ${i} [0x${x.basePfn.toString(16)}, 0x${(x.basePfn + x.pages - 1n).toString(16)}] PFN IDX ${slot} : 0x${offset.toString(16)}`);
  });
  return {
    ...identity, compressed: true,
    pfnIndexShift, pdxIndexShift: flsl(sizeMask), pdxRegionSize,
    pfnPdxLookup, pdxPfnLookup, pfnBases,
  };
}
