/**
 * Dependency-free SVG charts, as strings, so the same code draws in Node (HTML reports)
 * and in the browser playground. Two shapes cover every report: grouped bars and lines.
 */

export interface BarSeries { name: string; values: number[] }
export interface BarChart {
  title: string;
  /** One label per group of bars (the x axis). */
  labels: string[];
  series: BarSeries[];
  unit: string;
  /** Logarithmic value axis, for values spanning decades. */
  log?: boolean;
}

export interface LineSeries { name: string; points: Array<[number, number]> }
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  logX?: boolean;
  logY?: boolean;
}

const WIDTH = 720;
const HEIGHT = 360;
/** The legend sits under the title; the bottom leaves room for slanted category labels. */
const MARGIN = { left: 72, right: 16, top: 52, bottom: 96 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Colour-blind-safe palette (Okabe–Ito). */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short human number: 1234567 → "1.23M". */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  for (const [div, suffix] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]] as const)
    if (a >= div) return `${+(v / div).toPrecision(3)}${suffix}`;
  return a === 0 || a >= 0.01 ? `${+v.toPrecision(3)}` : v.toExponential(1);
}

/** Maps a data interval onto pixels, linear or log10; log axes clamp non-positive values. */
function scale(lo: number, hi: number, pxLo: number, pxHi: number, log: boolean) {
  const f = log ? (v: number) => Math.log10(Math.max(v, lo)) : (v: number) => v;
  const [a, b] = [f(lo), f(hi) === f(lo) ? f(lo) + 1 : f(hi)];
  return (v: number) => pxLo + ((f(v) - a) / (b - a)) * (pxHi - pxLo);
}

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 4 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9 * nice; v += nice) out.push(v);
  return out;
}

function frame(title: string, body: string[], legend: string[]): string {
  // Each legend entry is as wide as its text (≈6.2 px per character at 11 px), one line.
  let x = MARGIN.left;
  const items = legend.map((name, i) => {
    const item = `<g transform="translate(${x.toFixed(0)},${MARGIN.top - 14})"><rect width="10" height="10" y="-9" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="14">${escapeXml(name)}</text></g>`;
    x += 28 + name.length * 6.2;
    return item;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(title)}" ` +
    `font-family="system-ui,sans-serif" font-size="11"><title>${escapeXml(title)}</title>` +
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(title)}</text>` +
    body.join("") + items.join("") + `</svg>`;
}

function valueAxis(y: (v: number) => number, lo: number, hi: number, log: boolean, label: string): string[] {
  const out = ticks(lo, hi, log).filter((t) => t >= lo && t <= hi).map((t) =>
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
    `<text x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${shortNumber(t)}</text>`);
  out.push(`<text transform="translate(14,${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`);
  return out;
}

function extent(values: number[], log: boolean): [number, number] {
  const usable = log ? values.filter((v) => v > 0) : values;
  if (usable.length === 0) return log ? [1, 10] : [0, 1];
  const hi = Math.max(...usable);
  const lo = log ? Math.min(...usable) : Math.min(0, ...usable);
  return log ? [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))] : [lo, hi === lo ? lo + 1 : hi];
}

export function barChart(c: BarChart): string {
  const log = c.log ?? false;
  const [lo, hi] = extent(c.series.flatMap((s) => s.values), log);
  const y = scale(lo, hi, MARGIN.top + PLOT_H, MARGIN.top, log);
  const group = PLOT_W / Math.max(c.labels.length, 1);
  const bar = (group * 0.8) / Math.max(c.series.length, 1);
  const body = valueAxis(y, lo, hi, log, c.unit);
  c.labels.forEach((label, g) => {
    const x0 = MARGIN.left + g * group + group * 0.1;
    c.series.forEach((s, i) => {
      const v = s.values[g] ?? 0;
      const top = y(log ? Math.max(v, lo) : v);
      body.push(`<rect x="${x0 + i * bar}" y="${top}" width="${Math.max(bar - 1, 1)}" height="${MARGIN.top + PLOT_H - top}" ` +
        `fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(`${s.name} · ${label}: ${shortNumber(v)} ${c.unit}`)}</title></rect>`);
    });
    // Slant labels when there are many groups, so that neighbours do not overlap.
    const lx = x0 + group * 0.4, ly = MARGIN.top + PLOT_H + 14;
    body.push(c.labels.length > 8
      ? `<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-40 ${lx} ${ly})">${escapeXml(label)}</text>`
      : `<text x="${lx}" y="${ly}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  return frame(c.title, body, c.series.map((s) => s.name));
}

export function lineChart(c: LineChart): string {
  const pts = c.series.flatMap((s) => s.points);
  const [x0, x1] = extent(pts.map((p) => p[0]), c.logX ?? false);
  const [y0, y1] = extent(pts.map((p) => p[1]), c.logY ?? false);
  const x = scale(x0, x1, MARGIN.left, WIDTH - MARGIN.right, c.logX ?? false);
  const y = scale(y0, y1, MARGIN.top + PLOT_H, MARGIN.top, c.logY ?? false);
  const body = valueAxis(y, y0, y1, c.logY ?? false, c.yLabel);
  for (const t of ticks(x0, x1, c.logX ?? false).filter((t) => t >= x0 && t <= x1))
    body.push(`<text x="${x(t)}" y="${MARGIN.top + PLOT_H + 14}" text-anchor="middle">${shortNumber(t)}</text>`);
  body.push(`<text x="${MARGIN.left + PLOT_W / 2}" y="${MARGIN.top + PLOT_H + 32}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
  c.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const d = s.points.map(([px, py], k) => `${k ? "L" : "M"}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join("");
    body.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [px, py] of s.points)
      body.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${colour}"><title>${escapeXml(`${s.name}: ${shortNumber(px)} → ${shortNumber(py)}`)}</title></circle>`);
  });
  return frame(c.title, body, c.series.map((s) => s.name));
}
