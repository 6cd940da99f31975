/**
 * `xenmm survey [PATH…] [--json FILE] [--html FILE] [--csv FILE]`: every map and boot
 * log in the files and directories given (the embedded real-host corpus when none),
 * each on its own arch; per-arch aggregates and the answer they support (issue 10 §3).
 */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { corpusSources } from "../corpus/survey.js";
import { runSurvey, surveyJson, type Survey, type SurveySource } from "../pdx/survey.js";
import { archTable, machineTable, savingSeries, surveyCsv } from "../pdx/survey-tables.js";
import { htmlPage, htmlTable } from "../report/html.js";
import { escapeXml, lineChart } from "../report/svg.js";
import { textTable } from "../report/table.js";
import { parseCommand } from "./args.js";
import { writeOutputFile } from "./output-file.js";
import type { Verb } from "./verb.js";
import { isMemmapDir, loadMap } from "./map-input.js";

const USAGE = `usage: xenmm survey [PATH…] [--json FILE] [--html FILE] [--csv FILE]
Reads every file under each PATH (maps and boot logs of any supported format; a
/sys/firmware/memmap copy counts as one machine), or the embedded real-host corpus when no
PATH is given, and reports per machine and per arch what Xen's PDX setup does.`;

const OPTIONS = { json: { type: "string" }, html: { type: "string" }, csv: { type: "string" } } as const;

/** Directories nest at most this deep; deeper ones are listed as failed, as are symlink loops. */
const MAX_DEPTH = 32;

/** Every file under `path`, in name order; a directory that cannot be listed becomes a failing source. */
function* sourcesUnder(path: string, seen: Set<string>, depth = 0): Generator<SurveySource> {
  const fail = (error: string): SurveySource => ({ file: path, load: () => { throw new Error(error); } });
  let stat;
  try { stat = statSync(path); } catch (e) {
    yield { file: path, load: () => loadMap(path) }; // loadMap names the problem (or finds a catalogue id / corpus log)
    return;
  }
  if (!stat.isDirectory() || isMemmapDir(path)) { yield { file: path, load: () => loadMap(path) }; return; }
  const real = realpathSync(path);
  if (seen.has(real)) { yield fail(`directory already surveyed (a symlink loop?)`); return; }
  if (depth > MAX_DEPTH) { yield fail(`directories nest deeper than ${MAX_DEPTH}`); return; }
  seen.add(real);
  let names: string[];
  try { names = readdirSync(path).sort(); } catch (e) { yield fail(`cannot list directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); return; }
  for (const name of names) yield* sourcesUnder(join(path, name), seen, depth + 1);
}

function printed(s: Survey): string {
  const a = archTable(s);
  const out = [...(s.machines.length ? [textTable(a.header, a.rows), ""] : []), `${s.machines.length} machine${s.machines.length === 1 ? "" : "s"} read, ${s.failed.length} failed`];
  for (const f of s.failed) out.push(`  failed: ${f.file}: ${f.error}`);
  out.push("", s.answer);
  return out.join("\n");
}

function html(s: Survey): string {
  const a = archTable(s);
  const m = machineTable(s);
  return htmlPage("xenmm survey — which machines need PDX compression", [
    `<p>${escapeXml(s.answer)}</p>`,
    htmlTable(a.header, a.rows),
    lineChart({ title: "Frame-table saving of the arch's default PDX scheme", xLabel: "highest RAM address + 1 (bytes)", yLabel: "saving (×)", series: savingSeries(s), logX: true, logY: true }),
    htmlTable(m.header, m.rows),
    s.failed.length ? `<h2>Inputs that could not be read</h2>${htmlTable(["file", "error"], s.failed.map((f) => [f.file, f.error]))}` : "",
  ]);
}

function write(path: string, text: string): void {
  console.error(`wrote ${writeOutputFile(path, text)}`);
}

export const verb: Verb = {
  summary: "which real machines need PDX: per-machine and per-arch numbers over maps and boot logs (default: the embedded corpus)",
  async run(argv) {
    const { values, positionals } = parseCommand(argv, OPTIONS, USAGE);
    const seen = new Set<string>();
    const survey = runSurvey(positionals.length ? positionals.flatMap((p) => [...sourcesUnder(p, seen)]) : corpusSources());
    console.log(printed(survey));
    if (values.json !== undefined) write(values.json, `${JSON.stringify(surveyJson(survey), null, 2)}\n`);
    if (values.csv !== undefined) write(values.csv, surveyCsv(survey));
    if (values.html !== undefined) write(values.html, html(survey));
    return 0;
  },
};
