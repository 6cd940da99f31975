/**
 * Mask compression setup (docs/notes/pdx.md §3.2): OR together every range's base and
 * moving bits, then remove the longest run of zero bits that starts at or above
 * MAX_ORDER and is terminated by a set bit.
 *
 *   M:    |HHHHHHH|000000000|LLLLLL|   H: some range sets or varies these bits
 *                  ^ hole    ^ bit MAX_ORDER and below are always kept
 *   PDX = (PFN & bottom) | ((PFN & top) >> W)
 */
import { pdxInitMask, pdxRegionMask, U64_MAX } from "./bits.js";
import type { PfnRange, SetupParams } from "./params.js";
import { identityMask, type MaskState } from "./state.js";

export interface Hole { start: number; width: number }

/** The first bit at or above `from` whose value is `bit`; 64 when there is none. */
function nextBit(mask: bigint, from: number, bit: 0n | 1n): number {
  for (let i = from; i < 64; i++) if (((mask >> BigInt(i)) & 1n) === bit) return i;
  return 64;
}

/**
 * Scans M for zero runs from bit MAX_ORDER upwards. A run only counts when a set bit
 * ends it (the zeros above M's top bit never do), and only a strictly longer run
 * replaces the best, so ties go to the lowest run.
 */
export function findHole(m: bigint, maxOrder: number): Hole | null {
  let best: Hole | null = null;
  let j = maxOrder - 1;
  for (;;) {
    const i = nextBit(m, j + 1, 0n);
    if (i >= 64) break;
    j = nextBit(m, i + 1, 1n);
    if (j >= 64) break;
    if (j - i > (best?.width ?? 0)) best = { start: i, width: j - i };
  }
  return best;
}

/** The OR of the never-compressed low bits and every range's base and moving bits. */
export function maskOfRanges(ranges: readonly PfnRange[], p: SetupParams): bigint {
  let m = pdxInitMask(p.base, p.maxOrder, p.pageShift) >> BigInt(p.pageShift);
  for (const r of ranges) m |= r.basePfn | pdxRegionMask(r.basePfn, r.pages);
  return m;
}

export function maskSetup(ranges: readonly PfnRange[], p: SetupParams, log: string[]): MaskState {
  const hole = findHole(maskOfRanges(ranges, p), p.maxOrder);
  if (!hole) {
    log.push("PFN compression disabled: no hole of zero bits above MAX_ORDER");
    return identityMask(p.pageShift);
  }
  const s = BigInt(hole.start);
  const shift = BigInt(p.pageShift);
  const bottom = (1n << s) - 1n;
  const holeMask = ((1n << BigInt(hole.width)) - 1n) << s;
  const top = U64_MAX & ~(bottom | holeMask);
  log.push(`PFN compression on bits ${hole.start}...${hole.start + hole.width - 1}`);
  return {
    scheme: "mask", pageShift: p.pageShift, compressed: true,
    pfnPdxBottomMask: bottom,
    maVaBottomMask: ((1n << shift) << s) - 1n,
    pfnTopMask: top,
    maTopMask: (top << shift) & U64_MAX,
    pfnHoleMask: holeMask,
    pfnPdxHoleShift: hole.width,
  };
}
