/**
 * `xenmm report [--html FILE] [--json]` (also `npm start`): every map of the embedded
 * catalogue on its own arch — the scheme Xen picks, its hole or table, PDX span and
 * frame-table size for none/mask/offset — as a terminal table and an HTML page.
 */
import { resolveArch } from "../arch.js";
import { CATALOGUE, catalogueMap } from "../catalogue.js";
import { corpusSources } from "../corpus/survey.js";
import { hex } from "../pdx/bits.js";
import { compareSchemes, humanBytes, type SchemeComparison } from "../pdx/compare.js";
import { bitDiagram } from "../pdx/describe.js";
import { holeBits, offsetTable, schemesJson } from "../pdx/present.js";
import { SCHEMES } from "../pdx/state.js";
import { runSurvey } from "../pdx/survey.js";
import { htmlPage, htmlTable } from "../report/html.js";
import { barChart, escapeXml } from "../report/svg.js";
import { textTable } from "../report/table.js";
import { parseCommand } from "./args.js";
import { writeOutputFile } from "./output-file.js";
import type { Verb } from "./verb.js";

const USAGE = "usage: xenmm report [--html FILE] [--json]\nWrites the HTML report to out/xenmm-report.html unless --html names another path.";

/** The shape of the PDX result in one cell: the mask hole, or the offset table size. */
function shape(c: SchemeComparison): string {
  const m = c.outcomes.mask.platform.state;
  const o = c.outcomes.offset.platform.state;
  const parts: string[] = [];
  const hole = m.scheme === "mask" && m.compressed ? holeBits(m) : undefined;
  if (hole) parts.push(`mask: bits ${hole.low}..${hole.high}`);
  if (o.scheme === "offset" && o.compressed) {
    const n = offsetTable(o).rows.length;
    parts.push(`offset: ${n} region${n === 1 ? "" : "s"} × ${hex(o.pdxRegionSize)}`);
  }
  return parts.join("; ") || "-";
}

function picks(c: SchemeComparison): string {
  const p = c.outcomes[c.defaultScheme].platform;
  return p.state.compressed ? c.defaultScheme : `${c.defaultScheme} (declines)`;
}

function rows(all: SchemeComparison[]): string[][] {
  return all.map((c) => [c.map.name, c.arch.name, picks(c), shape(c), ...SCHEMES.map((s) => humanBytes(c.outcomes[s].frametableBytes))]);
}

const HEADER = ["map", "arch", "Xen picks", "hole / table", "none", "mask", "offset"];

function html(all: SchemeComparison[]): string {
  const sections = [
    `<p>Frame-table size (virtual: max_pdx − first PDX, × sizeof(page_info)) for each PDX scheme on every map of the catalogue, computed bit-exactly with Xen's setup algorithms (xen-project/xen @ c447b730). Generated ${escapeXml(new Date().toISOString())}.</p>`,
    htmlTable([...HEADER, "verdict"], rows(all).map((r, i) => [...r, all[i].verdict])),
    barChart({
      title: "Frame table per scheme (log scale)", unit: "bytes", log: true,
      labels: all.map((c) => c.map.name),
      series: SCHEMES.map((s) => ({ name: s, values: all.map((c) => Number(c.outcomes[s].frametableBytes)) })),
    }),
  ];
  for (const c of all) {
    const m = c.outcomes.mask.platform.state;
    const details = [`<h2 id="${escapeXml(c.map.name)}">${escapeXml(c.map.name)} · ${escapeXml(c.arch.name)}</h2>`, `<p>${escapeXml(c.verdict)}</p>`];
    if (m.scheme === "mask" && m.compressed) details.push(`<pre class="mono">${escapeXml(bitDiagram(m).join("\n"))}</pre>`);
    const o = c.outcomes.offset.platform.state;
    if (o.scheme === "offset" && o.compressed) {
      const t = offsetTable(o);
      details.push(htmlTable(t.header, t.rows));
    }
    sections.push(details.join("\n"));
  }
  return htmlPage("xenmm — PDX compression across real memory maps", sections);
}

export const verb: Verb = {
  summary: "PDX report over the embedded catalogue of real memory maps (npm start)",
  async run(argv) {
    const { values } = parseCommand(argv, { html: { type: "string" }, json: { type: "boolean" } }, USAGE, 0);
    const all = CATALOGUE.map((e) => compareSchemes(catalogueMap(e), resolveArch(e.arch)));
    if (values.json) {
      console.log(JSON.stringify(all.map((c) => ({
        map: c.map.name, arch: c.arch.name, default_scheme: c.defaultScheme, verdict: c.verdict,
        schemes: schemesJson(c),
      })), null, 2));
    } else {
      console.log(textTable(HEADER, rows(all)));
    }
    console.error(`HTML report: ${writeOutputFile(values.html ?? "out/xenmm-report.html", html(all))}`);
    // The report ends with the real-host survey's answer (xenmm survey has the details).
    if (!values.json) console.log(`\nReal hosts (xenmm survey): ${runSurvey(corpusSources()).answer}`);
    return 0;
  },
};
