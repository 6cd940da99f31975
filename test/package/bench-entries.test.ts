/**
 * Every benchmark suite measures what users get: bench/ reaches src/ only through the
 * public entries (`xenmm` = src/index.ts, `xenmm/node` = src/node.ts), never a module
 * behind them (issue 14 §2).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const benchDir = new URL("../../bench/", import.meta.url);
const imports = (file: string) => [...readFileSync(new URL(file, benchDir), "utf8")
  .matchAll(/(?:\bfrom\s+|\bimport\(\s*)"([^"]+)"/g)].map((m) => m[1]!);

describe("bench/ on the public entries", () => {
  it("every import of src/ from bench/ is ../src/index.js or ../src/node.js", () => {
    const files = readdirSync(benchDir).filter((f) => f.endsWith(".ts"));
    const intoSrc = files.flatMap((file) => imports(file).filter((spec) => spec.includes("/src/")).map((spec) => `${file}: ${spec}`));
    expect(intoSrc.length).toBeGreaterThan(10); // the check reads real imports
    expect(intoSrc.filter((line) => !/: \.\.\/src\/(index|node)\.js$/.test(line))).toEqual([]);
  });
});
