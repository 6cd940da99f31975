/**
 * `xenmm survey` as data (issue 10 §3): each machine's `xenmm pdx --json` object, the
 * inputs that failed and why, per-arch aggregates, and the answer they support. Pure:
 * the caller reads files; nothing here touches the file system.
 */
import type { ArchName } from "../arch.js";
import { XenmmError } from "../errors.js";
import type { MemoryMap } from "../memmap/map.js";
import type { ArchChoice } from "./arch-choice.js";
import { compareSchemes } from "./compare.js";
import { machineFacts, type MachineFacts } from "./machine-facts.js";
import { pdxJson } from "./result-json.js";
import { surveyAnswer } from "./survey-answer.js";

export interface SurveyMachine {
  readonly file: string;
  readonly arch: ArchName;
  readonly facts: MachineFacts;
  /** Exactly what `xenmm pdx FILE --json` prints for this file. */
  readonly json: ReturnType<typeof pdxJson>;
}

export interface SurveyFailure { readonly file: string; readonly error: string }

export interface ArchAggregate {
  readonly machines: number;
  /** Machines on which the arch's default scheme compresses. */
  readonly compress: number;
  /** compress / machines. */
  readonly compress_share: number;
  readonly median_saving: number;
  readonly max_saving: number;
  /** Machines PDX_NONE would break: RAM beyond the frame table, or a frame table too large for the arch. */
  readonly pdx_none_breaks: number;
  readonly pdx_none_loses_ram: number;
  readonly pdx_none_frametable_too_small: number;
  /** The machine with the largest saving, for the answer. */
  readonly max_saving_file: string | null;
}

export interface Survey {
  readonly machines: readonly SurveyMachine[];
  readonly failed: readonly SurveyFailure[];
  readonly byArch: Readonly<Record<string, ArchAggregate>>;
  readonly answer: string;
}

/** A survey input: its name and how to load it (a file read, an embedded log parsed); loading may throw. */
export interface SurveySource { readonly file: string; readonly load: () => { map: MemoryMap; choice: ArchChoice } }

/** Every source, in order; one that fails to load or set up is listed with its reason and the rest go on. */
export function runSurvey(sources: Iterable<SurveySource>): Survey {
  const machines: SurveyMachine[] = [];
  const failed: SurveyFailure[] = [];
  for (const s of sources) {
    try {
      const { map, choice } = s.load();
      machines.push(surveyMachine(s.file, map, choice));
    } catch (e) {
      failed.push({ file: s.file, error: e instanceof XenmmError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  return summarizeSurvey(machines, failed);
}

/** One machine, on the arch chosen for it, with the default scheme and no probes (as `xenmm pdx FILE --json`). */
export function surveyMachine(file: string, map: MemoryMap, choice: ArchChoice): SurveyMachine {
  const c = compareSchemes(map, choice.arch);
  return { file, arch: choice.arch.name, facts: machineFacts(c), json: pdxJson(c, choice.arch.defaultScheme, [], choice) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function aggregate(ms: readonly SurveyMachine[]): ArchAggregate {
  const savings = ms.map((m) => m.facts.saving);
  const best = ms.reduce<SurveyMachine | undefined>((b, m) => (!b || m.facts.saving > b.facts.saving ? m : b), undefined);
  const count = (f: (m: SurveyMachine) => boolean) => ms.filter(f).length;
  return {
    machines: ms.length,
    compress: count((m) => m.facts.compresses),
    compress_share: round2(count((m) => m.facts.compresses) / ms.length),
    median_saving: round2(median(savings)),
    max_saving: round2(Math.max(1, ...savings)),
    pdx_none_breaks: count((m) => m.facts.pdxNone !== "fine"),
    pdx_none_loses_ram: count((m) => m.facts.pdxNone === "loses-ram"),
    pdx_none_frametable_too_small: count((m) => m.facts.pdxNone === "frametable-too-small"),
    max_saving_file: best && best.facts.saving > 1 ? best.file : null,
  };
}

export function summarizeSurvey(machines: readonly SurveyMachine[], failed: readonly SurveyFailure[]): Survey {
  const arches = [...new Set(machines.map((m) => m.arch))].sort();
  const byArch = Object.fromEntries(arches.map((a) => [a, aggregate(machines.filter((m) => m.arch === a))]));
  return { machines, failed, byArch, answer: surveyAnswer(byArch, failed.length) };
}

/** The `--json` document: `machines` are `{file, …xenmm pdx FILE --json}`. */
export function surveyJson(s: Survey) {
  return {
    machines: s.machines.map((m) => ({ file: m.file, ...m.json })),
    failed: s.failed,
    by_arch: s.byArch,
    answer: s.answer,
  };
}
