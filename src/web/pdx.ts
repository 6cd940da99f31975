/**
 * The PDX section: a memory-map editor (any format the parsers accept, or a catalogue
 * map), the arch and scheme, what Xen's setup decides (the CLI's JSON, verbatim), the
 * PFN bit diagram of mask mode or the region table of offset mode, frame-table sizes
 * for none/mask/offset, and a probe converting PFN ⇄ PDX ⇄ page in the WASM engine.
 */
import { ARCH_NAMES, archByName, type ArchProfile } from "../arch.js";
import { CATALOGUE, catalogueEntry, catalogueMap, type CatalogueEntry } from "../catalogue.js";
import { Engine } from "../engine/engine.js";
import type { Pdx } from "../engine/pdx.js";
import { parseAddress } from "../memmap/number.js";
import type { MemoryMap } from "../memmap/map.js";
import { parseMemoryMap } from "../memmap/parse.js";
import { hex } from "../pdx/bits.js";
import { placeOnArch } from "../pdx/arch-choice.js";
import { compareSchemes, type SchemeComparison } from "../pdx/compare.js";
import { bitDiagram, maskFields } from "../pdx/describe.js";
import { schemeOnArch } from "../pdx/platform.js";
import { offsetSummary, offsetTable, PDX_ENGINE_BYTES, sizesTable } from "../pdx/present.js";
import { SCHEMES, type MaskState, type OffsetState, type SchemeName } from "../pdx/state.js";
import { debounce, fill, h, messageOf, select, table } from "./dom.js";
import { pdxJson, type ProbeJson } from "../pdx/result-json.js";
import { probePfn } from "../engine/probe.js";

const FIRST_MAP = "arm-fvp";

/** The editor text of a catalogue entry: a range list the text parser reads back. */
function catalogueText(e: CatalogueEntry): string {
  return [`# ${e.title}`, `# source: ${e.source}`, ...e.ranges.map(([s, t]) => `${s} ${t}`)].join("\n");
}

/** The map the CLI would load for the same input: a catalogue id keeps its name, edited text is parsed. */
function loadMap(entry: CatalogueEntry | undefined, text: string, arch: ArchProfile): MemoryMap {
  if (entry && text === catalogueText(entry)) return placeOnArch(catalogueMap(entry), { flag: arch }).map;
  return parseMemoryMap(text, { name: "editor", arch });
}

/** The 64 PFN bits, coloured by field: kept high bits, the removed hole, kept low bits. */
function bitStrip(s: MaskState): HTMLElement {
  const fields = maskFields(s);
  const strip = h("div", { class: "bits", role: "img", "aria-label": bitDiagram(s)[1] });
  for (let bit = 63; bit >= 0; bit--) {
    const f = fields.find((x) => bit <= x.high && bit >= x.low)!;
    strip.append(h("span", { class: `bit ${f.kind}`, title: `bit ${bit}: ${f.kind === "hole" ? "removed" : "kept"} (${f.kind})` }, bit % 8 === 0 ? String(bit) : ""));
  }
  return h("div", { class: "bitdiagram", "data-testid": "pdx-bits" },
    strip,
    h("p", { class: "legend" }, ...fields.map((f) => h("span", { class: `key ${f.kind}` }, `${f.kind === "hole" ? "removed" : "kept"} ${f.kind} bits ${f.high}..${f.low}`))),
    h("pre", { class: "mono small" }, bitDiagram(s).join("\n")));
}

function offsetView(s: OffsetState): HTMLElement {
  const t = offsetTable(s);
  return h("div", { "data-testid": "pdx-offsets" }, h("p", {}, offsetSummary(s)), table(t.header, t.rows, { class: "mono" }));
}

function sizesView(c: SchemeComparison): HTMLElement {
  const t = sizesTable(c);
  return table(t.header, t.rows, { class: "sizes", "data-testid": "pdx-sizes" });
}

/** The CLI's probe row for one PFN (src/engine/probe.ts), plus the frame-table index. */
function probeOf(pdx: Pdx, pfn: bigint): ProbeJson & { page: string; valid: boolean } {
  const row = probePfn(pdx, pfn);
  return { ...row, page: hex(BigInt.asUintN(64, BigInt(row.pdx) - pdx.platform.frametableBasePdx)), valid: row.mfn_valid };
}

export function mountPdx(root: HTMLElement): void {
  const engines = new Map<string, Promise<Engine>>();
  const engineFor = (arch: ArchProfile) => {
    if (!engines.has(arch.name)) engines.set(arch.name, Engine.create({ arch, maxMemoryBytes: PDX_ENGINE_BYTES }));
    return engines.get(arch.name)!;
  };
  let current: Pdx | undefined;

  const mapPick = select("Catalogue map", "pdx-map", [
    ...CATALOGUE.map((e): [string, string] => [e.id, `${e.id} — ${e.title}`]), ["", "(your own map: edit the text)"]], FIRST_MAP);
  const archPick = select("Arch", "pdx-arch", ARCH_NAMES.map((a): [string, string] => [a, a]), "arm64");
  const archHelp = h("p", { class: "help", "data-testid": "pdx-arch-help" });
  const schemePick = select("Scheme", "pdx-scheme", [["auto", "auto (the arch's default)"], ...SCHEMES.map((s): [string, string] => [s, s])], "auto");
  const text = h("textarea", { id: "pdx-text", "data-testid": "pdx-text", rows: 8, spellcheck: "false", autocomplete: "off",
    "aria-describedby": "pdx-text-help" });
  const error = h("p", { class: "error", role: "alert", "data-testid": "pdx-error" });
  const verdict = h("p", { class: "verdict", "data-testid": "pdx-verdict" });
  const sizes = h("div");
  const detail = h("div");
  const log = h("pre", { class: "mono small log" });
  const json = h("pre", { class: "mono small json", "data-testid": "pdx-json", tabindex: 0 });
  const status = h("span", { class: "status", "data-testid": "pdx-status", "aria-live": "polite" });

  const probeKind = select("Input is a", "pdx-probe-kind", [["pfn", "PFN"], ["pdx", "PDX"], ["page", "frame-table index (page)"]], "pfn");
  const probeIn = h("input", { type: "text", id: "pdx-probe", "data-testid": "pdx-probe", value: "0x880000", inputmode: "text", autocomplete: "off", spellcheck: "false" });
  const probeOut = h("div", { "data-testid": "pdx-probe-out", "aria-live": "polite" });

  const setEntry = (id: string) => {
    const e = catalogueEntry(id);
    if (!e) return;
    text.value = catalogueText(e);
    archPick.input.value = e.arch;
  };

  const runProbe = () => {
    if (!current) return;
    const v = parseAddress(probeIn.value.trim());
    if (typeof v === "string") { fill(probeOut, h("p", { class: "error" }, `${probeIn.value}: ${v}`)); return; }
    const base = current.platform.frametableBasePdx;
    const pfn = probeKind.input.value === "pfn" ? v : current.pdxToPfn(probeKind.input.value === "pdx" ? v : BigInt.asUintN(64, v + base));
    const p = probeOf(current, pfn);
    const size = BigInt(current.platform.arch.pageInfoSize);
    fill(probeOut, table(["PFN", "PDX", "page (frame-table index)", "page_info at", "PDX → PFN", "mfn_valid", "compressible", "maddr → directmap offset"], [[
      p.pfn, p.pdx, p.page, `frame_table + ${hex(BigInt(p.page) * size)}`, p.roundtrip, p.valid ? "yes" : "no", p.compressible ? "yes" : "no", `${p.maddr} → ${p.directmapoff}`,
    ]], { class: "mono probe" }));
  };

  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    error.textContent = "";
    status.textContent = "computing…";
    try {
      const arch = archByName(archPick.input.value)!;
      archHelp.textContent = `${arch.name}: ${arch.description}; MAX_ORDER ${arch.maxOrder}, page_info ${arch.pageInfoSize} B, default scheme ${arch.defaultScheme}.`;
      const entry = catalogueEntry(mapPick.input.value);
      const map = loadMap(entry, text.value, arch);
      if (entry && map.name !== entry.id) mapPick.input.value = ""; // edited: it is the user's map now
      const comparison = compareSchemes(map, arch);
      const scheme = schemeOnArch(schemePick.input.value as SchemeName | "auto", arch);
      const engine = await engineFor(arch);
      if (mine !== generation) return;
      current?.dispose();
      current = undefined;
      current = engine.setup(map, { scheme });
      const state = current.platform.state;
      verdict.textContent = comparison.verdict;
      fill(sizes, sizesView(comparison));
      fill(detail,
        h("h3", {}, `${scheme}${scheme === arch.defaultScheme ? " (the arch default)" : ""}: ${state.compressed ? "compressing" : "not compressing (identity)"}`),
        state.scheme === "mask" && state.compressed ? bitStrip(state) : null,
        state.scheme === "offset" && state.compressed ? offsetView(state) : null);
      log.textContent = [...current.platform.log.map((l) => `(XEN) ${l}`), ...map.warnings.map((w) => `warning: ${w}`)].join("\n") || "(Xen logs nothing for this map)";
      json.textContent = JSON.stringify(pdxJson(comparison, scheme), null, 2);
      status.textContent = `${map.ranges.length} ranges (${map.format}), ${arch.name}, ${scheme}`;
      root.dataset.ready = "true";
      runProbe();
    } catch (e) {
      if (mine !== generation) return;
      error.textContent = messageOf(e);
      status.textContent = "error";
      root.dataset.ready = "true";
    }
  };
  const later = debounce(() => void run(), 250);

  mapPick.input.addEventListener("change", () => { setEntry(mapPick.input.value); void run(); });
  archPick.input.addEventListener("change", () => void run());
  schemePick.input.addEventListener("change", () => void run());
  text.addEventListener("input", () => { root.dataset.ready = "false"; later(); });
  probeIn.addEventListener("input", debounce(runProbe, 150));
  probeKind.input.addEventListener("change", runProbe);

  fill(root,
    h("h2", { id: "pdx-h" }, "PDX compression"),
    h("p", { class: "lede" }, "Which PDX scheme Xen picks for a memory map, the parameters its setup computes, and how big the frame table gets. Setup runs in TypeScript with bigint; the probe converts in the WASM engine. ",
      h("code", {}, "xenmm pdx MAP --arch A --json"), " prints the same JSON."),
    h("div", { class: "controls" }, mapPick.wrap, archPick.wrap, schemePick.wrap),
    archHelp,
    h("label", { class: "field wide", for: "pdx-text" }, h("span", {}, "Memory map")),
    text,
    h("p", { id: "pdx-text-help", class: "help" }, "Paste JSON, a range list (START END, START-END or START+SIZE), a Xen or Linux boot log, /proc/iomem or a .dts. Results update as you type. ", status),
    error,
    verdict,
    h("div", { class: "cols" },
      h("div", {}, h("h3", {}, "Frame table: none / mask / offset"), sizes),
      h("div", {}, detail)),
    h("h3", {}, "Probe"),
    h("div", { class: "controls" }, probeKind.wrap, h("label", { class: "field", for: "pdx-probe" }, h("span", {}, "Value (hex or decimal)"), probeIn)),
    probeOut,
    h("details", {}, h("summary", {}, "Xen's setup log"), log),
    h("details", { open: true }, h("summary", {}, "Parameters as JSON (", h("code", {}, "xenmm pdx --json"), ")"), json));

  setEntry(FIRST_MAP);
  void run();
}
