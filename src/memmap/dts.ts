/**
 * Device-tree source (.dts): the `reg` of every memory node (`device_type = "memory"`
 * or a node named `memory@…`), read with the parent's #address-cells / #size-cells
 * (1 or 2; DT spec defaults 2 and 1). Binary .dtb is not read: decompile it first with
 * `dtc -I dtb -O dts`. One pass over the text: time is linear in its size.
 */
import type { ArchHint } from "./arch-hint.js";
import { excerpt, MemoryMapError } from "./error.js";
import type { RamRange } from "./map.js";
import { addRange, type ParsedRanges } from "./parsed.js";
import { sizedEnd } from "./number.js";
import { address } from "./text.js";

interface DtNode {
  name: string;
  line: number;
  parent?: DtNode;
  props: Map<string, { value: string; line: number }>;
}

interface Statement { body: string; end: ";" | "{" | "}"; line: number }

const [NL, CR, TAB, SPACE, QUOTE, STAR, SLASH, SEMI, OPEN, CLOSE, BACKSLASH] = [..."\n\r\t \"*/;{}\\"].map((c) => c.charCodeAt(0));

/** Splits the source at `;`, `{` and `}` outside strings and comments, counting lines as it goes. */
function* statements(text: string, input: string): Generator<Statement> {
  let line = 1;
  let parts: string[] = [];
  let from = 0;
  let bodyLine = 0;
  const flush = (to: number) => { if (to > from) parts.push(text.slice(from, to)); };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL) { line++; continue; }
    if (c === SLASH && (text.charCodeAt(i + 1) === STAR || text.charCodeAt(i + 1) === SLASH)) {
      const block = text.charCodeAt(i + 1) === STAR;
      const close = block ? text.indexOf("*/", i + 2) : text.indexOf("\n", i + 2);
      if (block && close < 0) throw new MemoryMapError("comment '/*' is not closed", { line }, input);
      const end = close < 0 ? text.length : block ? close + 2 : close;
      flush(i);
      for (let k = text.indexOf("\n", i); k >= 0 && k < end; k = text.indexOf("\n", k + 1)) line++;
      parts.push(" ");
      i = end - 1;
      from = end;
      continue;
    }
    if (c === QUOTE) {
      if (!bodyLine) bodyLine = line;
      let k = i + 1;
      for (let q = text.charCodeAt(k); k < text.length && q !== QUOTE && q !== NL; q = text.charCodeAt(k)) k += q === BACKSLASH ? 2 : 1;
      if (text.charCodeAt(k) !== QUOTE) throw new MemoryMapError("string is not closed on its line", { line }, input);
      i = k;
      continue;
    }
    if (c === SEMI || c === OPEN || c === CLOSE) {
      flush(i);
      yield { body: parts.join("").trim(), end: c === SEMI ? ";" : c === OPEN ? "{" : "}", line: bodyLine || line };
      parts = [];
      from = i + 1;
      bodyLine = 0;
      continue;
    }
    if (!bodyLine && c !== SPACE && c !== TAB && c !== CR) bodyLine = line;
  }
}

/** The only properties read; others are skipped, so memory stays bounded whatever the tree holds. */
const KEPT = new Set(["reg", "device_type", "#address-cells", "#size-cells"]);
/** Real trees nest a handful of levels and hold thousands of nodes. */
const MAX_DEPTH = 256;
const MAX_NODES = 1 << 20;

/** The root and the memory nodes (with their ancestors, through `parent`), in source order. */
function parseNodes(text: string, input: string): DtNode[] {
  const kept: DtNode[] = [];
  const stack: DtNode[] = [];
  let count = 0;
  for (const s of statements(text, input)) {
    if (s.end === "{") {
      if (stack.length >= MAX_DEPTH) throw new MemoryMapError(`nodes nest deeper than ${MAX_DEPTH}`, { line: s.line }, input);
      if (++count > MAX_NODES) throw new MemoryMapError(`more than ${MAX_NODES} nodes`, { line: s.line }, input);
      stack.push({ name: s.body.replace(/^[\w-]+:\s*/, ""), line: s.line, parent: stack.at(-1), props: new Map() });
    } else if (s.end === "}") {
      const node = stack.pop();
      if (!node) throw new MemoryMapError("unbalanced '}'", { line: s.line }, input);
      if (isMemoryNode(node) || (node.name === "/" && !node.parent)) kept.push(node);
    } else if (s.body && stack.length > 0) {
      const eq = s.body.indexOf("=");
      const key = (eq < 0 ? s.body : s.body.slice(0, eq)).trim();
      if (KEPT.has(key)) stack.at(-1)!.props.set(key, { value: eq < 0 ? "" : s.body.slice(eq + 1).trim(), line: s.line });
    }
  }
  if (stack.length) throw new MemoryMapError(`node '${excerpt(stack.at(-1)!.name)}' is not closed`, { line: stack.at(-1)!.line }, input);
  return kept.sort((a, b) => a.line - b.line);
}

function cellCount(node: DtNode | undefined, prop: string, fallback: number, input: string): number {
  const p = node?.props.get(prop);
  if (!p) return fallback;
  const m = /^<\s*(\w{1,20})\s*>$/.exec(p.value);
  const n = m ? Number(address(m[1], p.line, input)) : NaN;
  if (n !== 1 && n !== 2) throw new MemoryMapError(`${prop} must be <1> or <2>, got ${excerpt(p.value)}`, { line: p.line }, input);
  return n;
}

function cells(value: string, line: number, input: string): bigint[] {
  const out: bigint[] = [];
  for (let open = value.indexOf("<"); open >= 0; open = value.indexOf("<", open + 1)) {
    const close = value.indexOf(">", open);
    if (close < 0) throw new MemoryMapError(`'<' without '>' in reg '${excerpt(value)}'`, { line }, input);
    for (const c of value.slice(open + 1, close).split(/\s+/)) {
      if (!c) continue;
      const v = address(c, line, input);
      if (v > 0xffffffffn) throw new MemoryMapError(`cell ${excerpt(c)} does not fit in 32 bits`, { line }, input);
      out.push(v);
    }
    open = close;
  }
  if (out.length === 0) throw new MemoryMapError(`reg must be cells in <…>, got '${excerpt(value)}'`, { line }, input);
  return out;
}

const isMemoryNode = (n: DtNode) => n.props.get("device_type")?.value === '"memory"' || /^memory(@|$)/.test(n.name);

/** A root with 2 address cells is a 64-bit Arm board, 1 a 32-bit one (docs/notes/pdx.md §2.1: Arm registers DT banks). */
function archOf(nodes: DtNode[], input: string): ArchHint | undefined {
  const root = nodes.find((n) => n.name === "/" && !n.parent);
  if (!root?.props.has("#address-cells")) return undefined;
  const cellsAtRoot = cellCount(root, "#address-cells", 2, input);
  return cellsAtRoot === 2
    ? { arch: "arm64", reason: "device tree with #address-cells = <2> at the root (64-bit Arm)" }
    : { arch: "arm32", reason: "device tree with #address-cells = <1> at the root (32-bit Arm)" };
}

export function parseDts(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  const nodes = parseNodes(text, input);
  for (const node of nodes.filter(isMemoryNode)) {
    const reg = node.props.get("reg");
    if (!reg) continue;
    const ac = cellCount(node.parent, "#address-cells", 2, input);
    const sc = cellCount(node.parent, "#size-cells", 1, input);
    const c = cells(reg.value, reg.line, input);
    if (c.length % (ac + sc) !== 0)
      throw new MemoryMapError(`reg has ${c.length} cells, not a multiple of #address-cells + #size-cells = ${ac + sc}`, { line: reg.line }, input);
    const join = (xs: bigint[]) => xs.reduce((v, x) => (v << 32n) | x, 0n);
    for (let i = 0; i < c.length; i += ac + sc) {
      const start = join(c.slice(i, i + ac));
      const size = join(c.slice(i + ac, i + ac + sc));
      const end = sizedEnd(start, size);
      if (typeof end === "string") throw new MemoryMapError(end, { line: reg.line }, input);
      if (size > 0n) addRange(ranges, { start, end, line: reg.line, label: node.name }, input);
    }
  }
  return { ranges, archHint: archOf(nodes, input) };
}
