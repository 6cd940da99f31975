import { escapeXml } from "./svg.js";

/** A self-contained HTML page (no external requests): inline CSS, inline SVG. */
export function htmlPage(title: string, sections: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeXml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right;white-space:nowrap}code,.mono{font-family:ui-monospace,monospace}svg{max-width:100%;height:auto}
h2{margin-top:2.5rem;border-bottom:1px solid #ddd}
</style></head><body><h1>${escapeXml(title)}</h1>
${sections.join("\n")}
</body></html>
`;
}

/** An HTML table from a header row and string cells (cells are escaped). */
export function htmlTable(header: string[], rows: string[][]): string {
  const numeric = (c: string) => /^[-+]?[\d.,]+(\s?[a-zA-Z%×/]+)?$/.test(c) || /^0x[0-9a-f]+$/.test(c);
  const cells = (tag: string, r: string[]) => r.map((c) => `<${tag}${tag === "td" && numeric(c) ? ' class="n"' : ""}>${escapeXml(c)}</${tag}>`).join("");
  return `<table><thead><tr>${cells("th", header)}</tr></thead><tbody>${rows.map((r) => `<tr>${cells("td", r)}</tr>`).join("")}</tbody></table>`;
}
