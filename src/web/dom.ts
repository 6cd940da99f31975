/**
 * A few DOM helpers, so each section builds its markup in code (no framework, no
 * innerHTML of user text). Charts are SVG strings from src/report/svg.ts, escaped there.
 */
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** `h("label", { for: "x" }, "text", child)`: an element; `on…` attributes become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  el.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A chart (trusted SVG markup produced by report/svg.ts) wrapped in a figure. */
export function chart(svg: string, testid: string, caption?: string): HTMLElement {
  const fig = h("figure", { class: "chart", "data-testid": testid });
  fig.innerHTML = svg; // report/svg.ts escapes every label it draws
  const el = fig.querySelector("svg");
  el?.setAttribute("role", "img");
  if (caption) fig.append(h("figcaption", {}, caption));
  return fig;
}

/** A simple table: header cells and rows of text or nodes. */
export function table(header: string[], rows: Child[][], attrs: Attrs = {}): HTMLTableElement {
  return h("table", attrs,
    h("thead", {}, h("tr", {}, ...header.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))));
}

/** A labelled select over `choices`. */
export function select(label: string, testid: string, choices: Array<[value: string, text: string]>, value: string): { wrap: HTMLLabelElement; input: HTMLSelectElement } {
  const input = h("select", { "data-testid": testid }, ...choices.map(([v, t]) => h("option", { value: v, selected: v === value }, t)));
  return { wrap: h("label", { class: "field" }, h("span", {}, label), input), input };
}

/** A labelled range slider that shows its value. */
export function slider(label: string, testid: string, min: number, max: number, step: number, value: number, show: (v: number) => string = String): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const out = h("output", {}, show(value));
  const input = h("input", { type: "range", min, max, step, value, "data-testid": testid });
  input.addEventListener("input", () => { out.textContent = show(Number(input.value)); });
  return { wrap: h("label", { class: "field slider" }, h("span", {}, label, " ", out), input), input };
}

/** Calls `fn` once `ms` have passed without another call (slider drags, typing). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

/** The message of anything thrown, for an error line on the page. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
