/**
 * What a survey asks of one machine, derived from a SchemeComparison: its RAM and top
 * address, whether the arch's default scheme compresses and by how much, and what
 * CONFIG_PDX_NONE would do to it (docs/notes/pdx.md §7: frame-table limits per arch).
 */
import type { SchemeComparison } from "./compare.js";

/** PDX_NONE on this machine: fine, RAM beyond the frame table (x86, as on GNR), or Arm's "Frametable too small" panic. */
export type PdxNoneEffect = "fine" | "loses-ram" | "frametable-too-small";

export interface MachineFacts {
  /** Bytes of RAM in the map's ranges (overlaps counted once). */
  readonly ramBytes: bigint;
  /** Last byte of RAM. */
  readonly highestAddress: bigint;
  /** NUMA nodes named by the input (0 when it names none). */
  readonly numaNodes: number;
  readonly compresses: boolean;
  /** Uncompressed frame table / the default scheme's (virtual bytes); 1 when the default declines. */
  readonly saving: number;
  readonly pdxNone: PdxNoneEffect;
}

function unionBytes(ranges: readonly { start: bigint; end: bigint }[]): bigint {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let total = 0n;
  let reach = 0n;
  for (const r of sorted) {
    const from = r.start > reach ? r.start : reach;
    if (r.end > from) total += r.end - from;
    if (r.end > reach) reach = r.end;
  }
  return total;
}

export function machineFacts(c: SchemeComparison): MachineFacts {
  const ram = c.map.coverage;
  const none = c.outcomes.none;
  const chosen = c.outcomes[c.defaultScheme];
  const compresses = c.defaultScheme !== "none" && chosen.platform.state.compressed;
  return {
    ramBytes: unionBytes(ram),
    highestAddress: ram.reduce((m, r) => (r.end > m ? r.end : m), 0n) - 1n,
    numaNodes: new Set([...c.map.ranges, ...c.map.coverage].flatMap((r) => (r.node === undefined ? [] : [r.node]))).size,
    compresses,
    saving: compresses ? Number(none.frametableBytes) / Number(chosen.frametableBytes) : 1,
    pdxNone: none.platform.frametableTooSmall ? "frametable-too-small" : none.platform.unreachablePages > 0n ? "loses-ram" : "fine",
  };
}
