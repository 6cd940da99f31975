/**
 * `xenmm pdx MAPFILE [--arch NAME] [--scheme none|mask|offset|auto] [--max-order N]
 *  [--base ADDR] [--table-order N] [--probe PFN,PFN,…] [--json]`
 */
import { ARCH_NAMES, resolveArch } from "../arch.js";
import { Engine } from "../engine/engine.js";
import { UsageError } from "../errors.js";
import { parseAddress } from "../memmap/number.js";
import { hex } from "../pdx/bits.js";
import { compareSchemes, humanBytes, type SchemeComparison } from "../pdx/compare.js";
import { bitDiagram } from "../pdx/describe.js";
import { offsetSummary, offsetTable, PDX_ENGINE_BYTES, sizesTable, type Table } from "../pdx/present.js";
import { pdxJson, type ProbeJson } from "../pdx/result-json.js";
import { probePfn } from "../engine/probe.js";
import type { ArchChoice } from "../pdx/arch-choice.js";
import { schemeOnArch, type PlatformOptions } from "../pdx/platform.js";
import { SCHEMES, type SchemeName } from "../pdx/state.js";
import { textTable } from "../report/table.js";
import { choiceFlag, intFlag, parseCommand } from "./args.js";
import type { Verb } from "./verb.js";
import { loadMap } from "./map-input.js";

const USAGE = `usage: xenmm pdx MAPFILE [--arch ${ARCH_NAMES.join("|")}] [--scheme none|mask|offset|auto]
                 [--max-order N] [--base ADDR] [--table-order N] [--probe PFN,PFN,…] [--json]
MAPFILE is a file (JSON, range list, Xen or Linux boot log, /proc/iomem, /sys/firmware/memmap,
.dts), '-' for stdin, a catalogue id (xenmm report lists them) or an embedded corpus log
(real-hosts/NAME.log). --arch defaults to the catalogue entry's arch, else the arch the input
shows (e820/SRAT/iomem: x86-64; Arm node lines or DT cells: arm64/arm32), else x86-64;
harness (Xen's unit-test parameters) only when asked for. --scheme auto runs the arch's default.`;

const OPTIONS = {
  arch: { type: "string" }, scheme: { type: "string" }, "max-order": { type: "string" }, base: { type: "string" },
  "table-order": { type: "string" }, probe: { type: "string" }, json: { type: "boolean" },
} as const;

function addressFlag(name: string, value: string): bigint {
  const v = parseAddress(value);
  if (typeof v === "string") throw new UsageError(`--${name}: ${v}`);
  return v;
}

/** Default probes: start, last page and one past the end of every range (Xen's §6.5 tables). */
function defaultProbes(c: SchemeComparison): bigint[] {
  const shift = BigInt(c.arch.pageShift);
  return c.map.ranges.flatMap((r) => [r.start >> shift, ((r.end - 1n) >> shift), ((r.end - 1n) >> shift) + 1n]);
}

const text = (t: Table) => textTable(t.header, t.rows);
const indent = (t: Table) => text(t).replace(/^/gm, "  ");

function human(c: SchemeComparison, scheme: SchemeName, probes: ProbeJson[], choice: ArchChoice): string {
  const p = c.outcomes[scheme].platform;
  const out: string[] = [];
  if (c.map.machine) out.push(`machine: ${c.map.machine}`);
  out.push(`arch ${c.arch.name} (${choice.source}: ${choice.reason})`);
  out.push(`map ${c.map.name} (${c.map.format}, ${c.map.ranges.length} ranges) on ${c.arch.name}: MAX_ORDER ${p.params.maxOrder}, page_info ${c.arch.pageInfoSize} B, PDX group ${hex(p.groupCount)} pages, setup base ${hex(p.params.base)}`);
  for (const r of c.map.ranges) out.push(`  [${hex(r.start)}, ${hex(r.end)})  ${humanBytes(r.end - r.start)}${r.label ? `  ${r.label}` : ""}`);
  for (const w of c.map.warnings) out.push(`  warning: ${w}`);
  out.push("", `scheme ${scheme}${scheme === c.defaultScheme ? " (the arch default)" : `; the arch default is ${c.defaultScheme}`}: ${p.state.compressed ? "compressing" : "not compressing (identity)"}`);
  for (const line of p.log) out.push(`  (XEN) ${line}`);
  if (p.state.scheme === "mask" && p.state.compressed) out.push(...bitDiagram(p.state).map((l) => `  ${l}`));
  if (p.state.scheme === "offset" && p.state.compressed) {
    out.push(`  ${offsetSummary(p.state)}`, indent(offsetTable(p.state)));
  }
  out.push("", text(sizesTable(c)));
  out.push("", `verdict: ${c.verdict}`);
  if (probes.length) {
    out.push("", `probes (${scheme}, computed by the WASM engine):`);
    out.push(indent({ header: ["pfn", "pdx", "roundtrip", "compressible", "mfn_valid", "maddr", "directmapoff"],
      rows: probes.map((q) => [q.pfn, q.pdx, q.roundtrip, q.compressible ? "yes" : "no", q.mfn_valid ? "yes" : "no", q.maddr, q.directmapoff]) }));
  }
  return out.join("\n");
}

export const verb: Verb = {
  summary: "which PDX scheme Xen picks for a memory map, its parameters and frame-table sizes",
  async run(argv) {
    const { values, positionals } = parseCommand(argv, OPTIONS, USAGE);
    if (positionals.length > 1) throw new UsageError(`expected one MAPFILE, got ${positionals.length}\n${USAGE}`);
    const flag = values.arch === undefined ? undefined : resolveArch(values.arch);
    const scheme = choiceFlag("scheme", values.scheme, "auto", ["auto", ...SCHEMES]);
    const options: PlatformOptions = {
      maxOrder: values["max-order"] === undefined ? undefined : intFlag("max-order", values["max-order"], 0, 1, 40),
      tableOrder: values["table-order"] === undefined ? undefined : intFlag("table-order", values["table-order"], 0, 0, 9),
      base: values.base === undefined ? undefined : addressFlag("base", values.base),
    };
    const { map, choice } = loadMap(positionals[0], flag);
    const arch = choice.arch;
    const comparison = compareSchemes(map, arch, options);
    const chosen = schemeOnArch(scheme, arch);
    const engine = await Engine.create({ arch, maxMemoryBytes: PDX_ENGINE_BYTES });
    const pdx = engine.setup(map, { ...options, scheme: chosen });
    const pfns = values.probe === undefined ? (values.json ? [] : defaultProbes(comparison))
      : values.probe.split(",").map((s) => addressFlag("probe", s));
    const probes = pfns.map((pfn) => probePfn(pdx, pfn));
    console.log(values.json ? JSON.stringify(pdxJson(comparison, chosen, probes, choice), null, 2) : human(comparison, chosen, probes, choice));
    return 0;
  },
};
