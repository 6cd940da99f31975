/**
 * Property: any concatenation of real log lines, each possibly cut short, joined by any
 * line ending, parses or is refused with a MemoryMapError, never anything else.
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryMapError } from "../../src/memmap/error.js";
import { parseMemoryMap } from "../../src/memmap/parse.js";

const dirs = ["real-hosts", "boot-logs"].map((d) => new URL(`../fixtures/${d}/`, import.meta.url));
const lines = dirs.flatMap((dir) => readdirSync(dir).filter((f) => /\.(log|txt)$/.test(f))
  .flatMap((f) => readFileSync(new URL(f, dir), "utf8").split("\n")));

const pieceArb = fc.record({
  line: fc.integer({ min: 0, max: lines.length - 1 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  eol: fc.constantFrom("\n", "\r\n", "\r", ""),
});

describe("property: corpus lines, shuffled and truncated", () => {
  it(`${lines.length} real lines in any order and any cut: a map or a MemoryMapError`, () => fc.assert(fc.property(fc.array(pieceArb, { maxLength: 60 }), fc.boolean(), (pieces, bom) => {
    const text = (bom ? "\uFEFF" : "") + pieces.map((p) => {
      const l = lines[p.line];
      return (p.cut === undefined ? l : l.slice(0, p.cut % (l.length + 1))) + p.eol;
    }).join("");
    try {
      const map = parseMemoryMap(text);
      for (const r of [...map.ranges, ...map.coverage]) expect(r.end).toBeGreaterThan(r.start);
    } catch (e) {
      expect(e).toBeInstanceOf(MemoryMapError);
    }
  }), { numRuns: 2000 }));
});
