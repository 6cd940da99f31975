/**
 * Which architecture a map is run on when the user does not say (issue 10 §2): a
 * catalogue entry's own arch, else the arch the input's content identifies (e820, SRAT or
 * /proc/iomem: x86-64; Arm node lines, machine models or DT cells: arm64 / arm32), else
 * x86-64. Xen's unit-test `harness` parameters apply only to its vectors or when asked for.
 */
import { archByName, type ArchName, type ArchProfile } from "../arch.js";
import { makeMemoryMap, type MemoryMap } from "../memmap/map.js";

export type ArchSource = "flag" | "catalogue" | "input" | "default";

export interface ArchChoice {
  readonly arch: ArchProfile;
  readonly source: ArchSource;
  /** Why, in words: the flag, the entry, the evidence in the input, or the fallback. */
  readonly reason: string;
}

const FALLBACK: ArchName = "x86-64";

/** The arch the user picked (`--arch`, or the playground's selector). */
export const ASKED_FOR = { source: "flag", reason: "chosen by the user (--arch)" } as const;

export function chooseArch(map: MemoryMap, options: { flag?: ArchProfile; catalogueArch?: ArchName } = {}): ArchChoice {
  if (options.flag) return { ...ASKED_FOR, arch: options.flag };
  if (options.catalogueArch) return { arch: archByName(options.catalogueArch)!, source: "catalogue", reason: `catalogue entry ${map.name}` };
  if (map.archHint) return { arch: archByName(map.archHint.arch)!, source: "input", reason: map.archHint.reason };
  return { arch: archByName(FALLBACK)!, source: "default", reason: `the input does not say which architecture it is from; ${FALLBACK} assumed` };
}

/**
 * The map on its chosen arch: re-checked against that arch's physical address width and
 * MAX_PFN_RANGES, keeping what the input said about itself.
 */
export function placeOnArch(map: MemoryMap, options: { flag?: ArchProfile; catalogueArch?: ArchName } = {}): { map: MemoryMap; choice: ArchChoice } {
  const choice = chooseArch(map, options);
  const coverage = map.coverage === map.ranges ? undefined : map.coverage;
  return { map: { ...makeMemoryMap(map.name, map.format, map.ranges, choice.arch, coverage), machine: map.machine, archHint: map.archHint }, choice };
}
