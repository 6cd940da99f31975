/** Writing a report a verb was asked for (`--json FILE`, `--html FILE`): its folder is made first. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Writes `text` to `path`, creating its folder; returns the absolute path written. */
export function writeOutputFile(path: string, text: string): string {
  const full = resolve(path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}
