/**
 * Device-tree source (.dts): the `reg` of every memory node (`device_type = "memory"`
 * or a node named `memory@…`), read with the parent's #address-cells / #size-cells
 * (1 or 2; DT spec defaults 2 and 1). Binary .dtb is not read: decompile it first with
 * `dtc -I dtb -O dts`.
 */
import { MemoryMapError } from "./error.js";
import type { RamRange } from "./map.js";
import type { ParsedRanges } from "./parsed.js";
import { address } from "./text.js";

interface DtNode {
  name: string;
  line: number;
  parent?: DtNode;
  props: Map<string, { value: string; line: number }>;
}

/** Blanks out comments, keeping line numbers. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/\/\/[^\n]*/g, "");
}

function parseNodes(text: string, input: string): DtNode[] {
  const nodes: DtNode[] = [];
  const stack: DtNode[] = [];
  const lineAt = (index: number) => text.slice(0, index).split("\n").length;
  for (const m of text.matchAll(/([^;{}]*)([;{}])/g)) {
    const body = m[1].trim();
    const at = lineAt(m.index + m[1].length - m[1].trimStart().length);
    if (m[2] === "{") {
      const node: DtNode = { name: body.replace(/^[\w-]+:\s*/, ""), line: at, parent: stack.at(-1), props: new Map() };
      stack.push(node);
      nodes.push(node);
    } else if (m[2] === "}") {
      if (!stack.pop()) throw new MemoryMapError("unbalanced '}'", { line: at }, input);
    } else if (body && stack.length > 0) {
      const eq = body.indexOf("=");
      const key = (eq < 0 ? body : body.slice(0, eq)).trim();
      stack.at(-1)!.props.set(key, { value: eq < 0 ? "" : body.slice(eq + 1).trim(), line: at });
    }
  }
  if (stack.length) throw new MemoryMapError(`node '${stack.at(-1)!.name}' is not closed`, { line: stack.at(-1)!.line }, input);
  return nodes;
}

function cellCount(node: DtNode | undefined, prop: string, fallback: number, input: string): number {
  const p = node?.props.get(prop);
  if (!p) return fallback;
  const m = /^<\s*(\w+)\s*>$/.exec(p.value);
  const n = m ? Number(address(m[1], p.line, input)) : NaN;
  if (n !== 1 && n !== 2) throw new MemoryMapError(`${prop} must be <1> or <2>, got ${p.value}`, { line: p.line }, input);
  return n;
}

function cells(value: string, line: number, input: string): bigint[] {
  const groups = [...value.matchAll(/<([^>]*)>/g)];
  if (groups.length === 0) throw new MemoryMapError(`reg must be cells in <…>, got '${value}'`, { line }, input);
  return groups.flatMap((g) => g[1].trim().split(/\s+/).filter(Boolean).map((c) => {
    const v = address(c, line, input);
    if (v > 0xffffffffn) throw new MemoryMapError(`cell ${c} does not fit in 32 bits`, { line }, input);
    return v;
  }));
}

const isMemoryNode = (n: DtNode) => n.props.get("device_type")?.value === '"memory"' || /^memory(@|$)/.test(n.name);

export function parseDts(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  for (const node of parseNodes(stripComments(text), input).filter(isMemoryNode)) {
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
      if (size > 0n) ranges.push({ start, end: start + size, line: reg.line, label: node.name });
    }
  }
  return { ranges };
}
