/**
 * What `xenmm survey` shows, as data: the per-arch table, the per-machine table, the CSV
 * and the chart series. The CLI prints or writes them; nothing is computed twice.
 */
import { humanBytes } from "./compare.js";
import { SCHEMES } from "./state.js";
import type { Survey } from "./survey.js";

export interface Table { header: string[]; rows: string[][] }

export function archTable(s: Survey): Table {
  return {
    header: ["arch", "machines", "compress", "share", "median saving", "max saving", "PDX_NONE breaks"],
    rows: Object.entries(s.byArch).map(([arch, a]) => [arch, String(a.machines), String(a.compress),
      `${Math.round((100 * a.compress) / a.machines)}%`, `${a.median_saving}×`, `${a.max_saving}×`, String(a.pdx_none_breaks)]),
  };
}

export function machineTable(s: Survey): Table {
  return {
    header: ["file", "arch", "machine", "RAM", "highest address", "nodes", "Xen picks", "frame table none / mask / offset", "saving", "PDX_NONE"],
    rows: s.machines.map((m) => [m.file, m.arch, m.json.machine ?? "", humanBytes(m.facts.ramBytes), m.json.highest_address, String(m.facts.numaNodes),
      `${m.json.default_scheme}${m.facts.compresses ? "" : " (declines)"}`,
      SCHEMES.map((sc) => humanBytes(BigInt(m.json.schemes[sc].frametable_bytes))).join(" / "),
      `${m.json.saving}×`, m.facts.pdxNone]),
  };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One row per machine (byte counts exact, in hex), then one per failed input with its error. */
export function surveyCsv(s: Survey): string {
  const header = ["file", "arch", "arch_source", "machine", "format", "ranges", "ram_bytes", "highest_address", "numa_nodes", "default_scheme", "compresses",
    ...SCHEMES.flatMap((sc) => [`frametable_bytes_${sc}`, `frametable_backed_bytes_${sc}`]), "saving", "pdx_none", "error"];
  const rows = s.machines.map((m) => [m.file, m.arch, m.json.arch_source, m.json.machine ?? "", m.json.format, String(m.json.ranges.length), m.json.ram_bytes,
    m.json.highest_address, String(m.facts.numaNodes), m.json.default_scheme, String(m.facts.compresses),
    ...SCHEMES.flatMap((sc) => [m.json.schemes[sc].frametable_bytes, m.json.schemes[sc].frametable_populated_bytes]), String(m.json.saving), m.facts.pdxNone, ""]);
  const failed = s.failed.map((f) => [f.file, ...Array<string>(header.length - 2).fill(""), f.error]);
  return [header, ...rows, ...failed].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** Saving against highest address, one series per arch, for a line chart (points sorted by address). */
export function savingSeries(s: Survey): Array<{ name: string; points: Array<[number, number]> }> {
  return Object.keys(s.byArch).map((arch) => ({
    name: arch,
    points: s.machines.filter((m) => m.arch === arch).map((m): [number, number] => [Number(m.facts.highestAddress + 1n), m.facts.saving]).sort((a, b) => a[0] - b[0]),
  }));
}
