import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, folderGraph, runtimeClosure, runtimeImports } from "../support/import-graph.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("import cycles between folders", () => {
  it("src/ and bench/ have none", () => {
    const graph = folderGraph(ROOT, ["src", "bench"]);
    const found = cycles(graph).map((set) => set.map((a) => `${a} → ${set.filter((b) => graph.get(a)?.has(b)).map((b) => graph.get(a)!.get(b)![0]).join(", ")}`));
    expect(found).toEqual([]);
  });

  it("the checker finds a cycle through three folders and ignores type-only imports", () => {
    const dir = mkdtempSync(join(tmpdir(), "xenmm-cycles-"));
    try {
      const file = (path: string, text: string) => { mkdirSync(join(dir, path, ".."), { recursive: true }); writeFileSync(join(dir, path), text); };
      file("src/a/x.ts", 'import { y } from "../b/y.js";\nimport type { T } from "../leaf.js";\n');
      file("src/b/y.ts", 'export { z } from "../c/z.js";\n');
      file("src/c/z.ts", 'const m = await import("../a/x.js");\n');
      file("src/leaf.ts", 'import type { X } from "./a/x.js";\n');
      expect(cycles(folderGraph(dir, ["src"]))).toEqual([["a/", "b/", "c/"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads runtime imports, re-exports and dynamic imports, not type-only ones", () => {
    expect(runtimeImports('import { a, type B } from "./a.js";\nimport type { C } from "./c.js";\nexport * from "./d.js";\nawait import("./e.js");\n'))
      .toEqual(["./a.js", "./d.js", "./e.js"]);
  });

  it("xenmm report is pure bigint code: it never loads the WASM engine, and bench/ never loads the CLI", () => {
    const report = [...runtimeClosure(join(ROOT, "src/cli/report.ts"))].map((f) => f.slice(ROOT.length + 1));
    expect(report).toContain("src/arch.ts");
    expect(report.filter((f) => f.startsWith("src/engine/"))).toEqual([]);
    const bench = ["pdx", "xenstore", "xenstore-vs-c", "xenstore-soak", "ring"].flatMap((s) => [...runtimeClosure(join(ROOT, `bench/${s}.ts`))]);
    expect(bench.filter((f) => f.includes("/src/cli/"))).toEqual([]);
  });
});
