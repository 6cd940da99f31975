import { readFileSync } from "node:fs";
import type { ArchProfile } from "../arch.js";
import { CATALOGUE, catalogueEntry, catalogueMap } from "../catalogue.js";
import { UsageError } from "../errors.js";
import { checkRanges, type MemoryMap } from "../memmap/map.js";
import { parseMemoryMap } from "../memmap/parse.js";

/** A memory map from a file, `-` (stdin), or a catalogue id, checked against `arch`. */
export function loadMap(arg: string | undefined, arch: ArchProfile): MemoryMap {
  if (!arg) throw new UsageError("missing MAPFILE (a file, '-' for stdin, or a catalogue id such as arm-fvp)");
  let text: string;
  try {
    text = readFileSync(arg === "-" ? 0 : arg, "utf8");
  } catch (e) {
    const entry = catalogueEntry(arg);
    if (entry) {
      const map = catalogueMap(entry);
      return { ...map, warnings: checkRanges(map.name, map.ranges, arch) };
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read '${arg}' (${code ?? (e as Error).message}); catalogue ids: ${CATALOGUE.map((c) => c.id).join(", ")}`);
  }
  return parseMemoryMap(text, { name: arg === "-" ? "stdin" : arg, arch });
}
