/**
 * The import graph between folders: every file under `root` (and any extra trees) is a
 * node named by its top folder ("pdx/") or, at the top, by its file name ("arch.ts").
 * Type-only imports are left out: they vanish at build time and cannot make a load cycle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type FolderGraph = Map<string, Map<string, string[]>>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Relative runtime imports and re-exports of one source text. */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+"(\.[^"]+)"/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g)) found.push(m[1]!);
  return found;
}

/** Every file `entry` loads at run time, itself included (relative imports only). */
export function runtimeClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  };
  visit(resolve(entry));
  return seen;
}

/** Edges between folder nodes of the trees under `base`, each with the file imports behind it. */
export function folderGraph(base: string, trees: readonly string[]): FolderGraph {
  const nodeOf = (path: string) => {
    const rel = relative(base, path);
    const parts = rel.split("/");
    const top = parts[0] === "src" ? parts.slice(1) : parts;
    return top.length > 1 ? `${top[0]}/` : top[0]!;
  };
  const graph: FolderGraph = new Map();
  for (const file of trees.flatMap((t) => tsFiles(join(base, t)))) {
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
      const [from, to] = [nodeOf(file), nodeOf(target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const why = graph.get(from)!;
      why.set(to, [...(why.get(to) ?? []), `${relative(base, file)} → ${relative(base, target)}`]);
    }
  }
  return graph;
}

/** Strongly connected sets of two or more nodes (Tarjan): each one is an import cycle. */
export function cycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size); low.set(v, index.get(v)!); stack.push(v); onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); set.push(w); } while (w !== v);
      if (set.length > 1) out.push(set.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}
