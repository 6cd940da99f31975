import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ArchName, ArchProfile } from "../arch.js";
import { CATALOGUE, catalogueEntry, catalogueMap } from "../catalogue.js";
import { corpusLog } from "../corpus/index.js";
import { UsageError } from "../errors.js";
import { memmapRanges, type MemmapEntry } from "../memmap/firmware.js";
import { makeMemoryMap, type MemoryMap } from "../memmap/map.js";
import { parseMemoryMap } from "../memmap/parse.js";
import { readBoundedText } from "./read-bounded.js";
import { placeOnArch, type ArchChoice } from "../pdx/arch-choice.js";
import { quoteWord } from "./suggest.js";

/** Larger inputs are refused before reading: no real map or log comes near it. */
const MAX_INPUT_BYTES = 512 << 20;

export interface LoadedMap {
  readonly map: MemoryMap;
  readonly choice: ArchChoice;
}

/** A /sys/firmware/memmap directory: numbered entries, each with start, end and type files. */
export function isMemmapDir(path: string): boolean {
  try {
    const names = readdirSync(path);
    return names.length > 0 && names.every((n) => /^\d+$/.test(n)) && statSync(join(path, names[0], "start")).isFile();
  } catch {
    return false;
  }
}

function readMemmapDir(dir: string): MemoryMap {
  const read = (entry: string, file: string) => readFileSync(join(dir, entry, file), "utf8").trim();
  const entries: MemmapEntry[] = readdirSync(dir).map(Number).sort((a, b) => a - b)
    .map((n, i) => ({ start: read(String(n), "start"), end: read(String(n), "end"), type: read(String(n), "type"), line: i + 1 }));
  const { ranges, archHint } = memmapRanges(entries, dir);
  return { ...makeMemoryMap(dir, "sysfs-memmap", ranges), archHint };
}

function readText(path: string): string {
  return readBoundedText(path, MAX_INPUT_BYTES, "no memory map is");
}

/** The map an argument names, before an arch is chosen, and the catalogue's arch when it is an entry. */
export function readMapInput(arg: string | undefined): { map: MemoryMap; catalogueArch?: ArchName } {
  if (!arg) throw new UsageError("missing MAPFILE (a file, '-' for stdin, or a catalogue id such as arm-fvp)");
  if (arg !== "-" && isMemmapDir(arg)) return { map: readMemmapDir(arg) };
  let text: string;
  try {
    text = readText(arg);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const entry = catalogueEntry(arg);
    if (entry) return { map: catalogueMap(entry), catalogueArch: entry.arch };
    const log = corpusLog(arg);
    if (log) return { map: parseMemoryMap(log.text, { name: arg }) };
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${quoteWord(arg)} (${code ?? (e as Error).message}); catalogue ids: ${CATALOGUE.map((c) => c.id).join(", ")}; the embedded corpus: real-hosts/*.log (xenmm survey lists them)`);
  }
  return { map: parseMemoryMap(text, { name: arg === "-" ? "stdin" : arg }) };
}

/** A map from a file, a memmap directory, `-` (stdin), a catalogue id or an embedded corpus log, on the arch `flag` names or the input implies. */
export function loadMap(arg: string | undefined, flag?: ArchProfile): LoadedMap {
  const { map, catalogueArch } = readMapInput(arg);
  return placeOnArch(map, { flag, catalogueArch });
}
