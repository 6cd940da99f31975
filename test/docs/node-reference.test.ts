/**
 * The playground's Node column (src/web/node-reference.ts) and the README's pfn_to_pdx
 * table quote the same full run: every README cell equals the reference (both carry the
 * run's numbers at the README's precision), and every reference row is in the README.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { NODE_PFN_TO_PDX } from "../../src/web/node-reference.js";

it("the README's pfn_to_pdx table and the playground's Node numbers are one run", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const start = readme.indexOf("| map | scheme | wasm-simd | wasm-batch | wasm-call | js-number | js-bigint | native-c |");
  expect(start).toBeGreaterThan(0);
  const lines = readme.slice(start).split("\n");
  const header = lines[0]!.split("|").slice(1, -1).map((c) => c.trim());
  const quoted = new Map<string, string>();
  for (const line of lines.slice(2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    for (const impl of ["wasm-simd", "wasm-batch", "wasm-call", "js-number", "js-bigint", "native-c"])
      quoted.set(`${cells[0]} ${cells[1]} ${impl}`, cells[header.indexOf(impl)]!);
  }
  expect([...quoted.keys()].sort()).toEqual(Object.keys(NODE_PFN_TO_PDX.ns).sort());
  for (const [key, ns] of Object.entries(NODE_PFN_TO_PDX.ns)) {
    expect(Number(quoted.get(key)), key).toBe(ns);
  }
});
