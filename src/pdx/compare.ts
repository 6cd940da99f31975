/**
 * What a user asks of a memory map: for none, mask and offset on one arch, does Xen
 * compress, how large is the PDX space and the frame table, and which scheme would the
 * arch's default build run. Pure bigint, exact at any size.
 */
import type { ArchProfile } from "../arch.js";
import type { MemoryMap } from "../memmap/map.js";
import { InvalidArgumentError } from "../errors.js";
import { checkOptions } from "../options.js";
import { naturalOrReason } from "../u64.js";
import { PLATFORM_OPTION_KEYS, platformSetup, type Platform, type PlatformOptions } from "./platform.js";
import { SCHEMES, type SchemeName } from "./state.js";

export interface SchemeOutcome {
  readonly platform: Platform;
  /** Virtual frame-table bytes: (max_pdx − frametable_base_pdx) × sizeof(page_info). */
  readonly frametableBytes: bigint;
  /** Frame-table bytes Xen backs with memory (valid PDX groups only). */
  readonly populatedBytes: bigint;
}

export interface SchemeComparison {
  readonly map: MemoryMap;
  readonly arch: ArchProfile;
  readonly outcomes: Readonly<Record<SchemeName, SchemeOutcome>>;
  /** The arch's Kconfig default scheme and whether it compresses this map. */
  readonly defaultScheme: SchemeName;
  /** One line a person can act on. */
  readonly verdict: string;
}

export function outcomeOf(platform: Platform): SchemeOutcome {
  const size = BigInt(platform.arch.pageInfoSize);
  return { platform, frametableBytes: platform.frametableFrames * size, populatedBytes: platform.populatedFrames * size };
}

export function humanBytes(bytes: bigint | number): string {
  const b = naturalOrReason(bytes);
  if (typeof b === "string") throw new InvalidArgumentError("humanBytes(bytes)", b);
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let u = 0;
  let scaled = Number(b);
  while (scaled >= 1024 && u < units.length - 1) { scaled /= 1024; u++; }
  return `${+scaled.toPrecision(scaled >= 100 ? 4 : 3)} ${units[u]}`;
}

function verdictOf(o: Record<SchemeName, SchemeOutcome>, def: SchemeName): string {
  const none = o.none.frametableBytes;
  const chosen = o[def];
  // A scheme can compress (Xen sets it up) and still leave the frame table as large as none's.
  const best = (["mask", "offset"] as const).filter((s) => o[s].platform.state.compressed && o[s].frametableBytes < none)
    .sort((a, b) => (o[a].frametableBytes < o[b].frametableBytes ? -1 : 1))[0];
  const lost = o.none.platform.unreachablePages > 0n ? `; without compression ${humanBytes(o.none.platform.unreachablePages << BigInt(o.none.platform.arch.pageShift))} of RAM is beyond the frame table` : "";
  const panic = o.none.platform.frametableTooSmall ? `; that exceeds the ${humanBytes(o.none.platform.arch.frametableSize)} frame table (Xen panics "Frametable too small")` : "";
  if (!best) return `no scheme shrinks the frame table of this map: it spans ${humanBytes(none)}${panic}${lost}`;
  const factor = (x: number) => (x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString("en-US"));
  const saving = (s: SchemeName) => `${humanBytes(o[s].frametableBytes)} instead of ${humanBytes(none)} (${factor(Number(none) / Number(o[s].frametableBytes))}× smaller)`;
  if (def !== "none" && chosen.platform.state.compressed) return `the default (${def}) compresses: frame table ${saving(def)}${lost}`;
  return `the default (${def}) does not compress, but ${best} would: frame table ${saving(best)}${lost}`;
}

export function compareSchemes(map: MemoryMap, arch: ArchProfile, options?: Omit<PlatformOptions, "scheme">): SchemeComparison {
  checkOptions("compareSchemes(options)", options, PLATFORM_OPTION_KEYS.filter((k) => k !== "scheme"));
  const outcomes = Object.fromEntries(SCHEMES.map((s) => [s, outcomeOf(platformSetup(map, arch, { ...options, scheme: s }))])) as Record<SchemeName, SchemeOutcome>;
  return { map, arch, outcomes, defaultScheme: arch.defaultScheme, verdict: verdictOf(outcomes, arch.defaultScheme) };
}
