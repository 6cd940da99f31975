/**
 * PDX grouping (docs/notes/pdx.md §2.4, §7.2): which groups of PDX_GROUP_COUNT frames hold
 * RAM, kept as sorted intervals of group indices so that even a PDX space of 2^52
 * frames is described in O(ranges) memory; the engine turns them into Xen's bitmap.
 */
export interface GroupInterval {
  /** First group index. */
  readonly start: bigint;
  /** One past the last group index. */
  readonly end: bigint;
}

/** Sorts and joins touching or overlapping intervals. */
export function normalizeGroups(intervals: readonly GroupInterval[]): GroupInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: GroupInterval[] = [];
  for (const g of sorted) {
    const last = out.at(-1);
    if (last && g.start <= last.end) out[out.length - 1] = { start: last.start, end: g.end > last.end ? g.end : last.end };
    else out.push(g);
  }
  return out;
}

/**
 * `set_pdx_range(smfn, emfn)`: every group touched by the PDX interval
 * [pdx(smfn), pdx(emfn − 1)]; only the endpoints are translated.
 */
export function groupsOfRange(firstPdx: bigint, lastPdx: bigint, groupCount: bigint): GroupInterval {
  return { start: firstPdx / groupCount, end: (lastPdx + groupCount) / groupCount };
}

/**
 * Frame-table bytes Xen populates (x86 init_frametable): each run of valid groups below
 * ceil(max_pdx / G) maps PDXs [start·G, end·G), the last one only up to max_pdx.
 */
export function populatedFrames(groups: readonly GroupInterval[], maxPdx: bigint, groupCount: bigint): bigint {
  let frames = 0n;
  for (const g of groups) {
    const from = g.start * groupCount;
    const to = g.end * groupCount < maxPdx ? g.end * groupCount : maxPdx;
    if (to > from) frames += to - from;
  }
  return frames;
}
