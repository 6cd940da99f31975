/**
 * Every log of the real-host corpus (test/fixtures/real-hosts, from linuxhw/Dmesg) parses
 * with the architecture it came from and gives the RAM its own lines state. Expected
 * values come from INDEX.tsv (counted by hand from the logs) and from a deliberately naive
 * reading of the lines below, not from the parser.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMemoryMap } from "../../src/memmap/parse.js";

const dir = new URL("../fixtures/real-hosts/", import.meta.url);
const [header, ...rows] = readFileSync(new URL("INDEX.tsv", dir), "utf8").trim().split(/\r?\n/).map((l) => l.split("\t"));
const index = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));

type Span = [bigint, bigint];

/** The naive reading: split on spaces and brackets, take the two numbers after the keyword. */
function naive(text: string) {
  const e820: Span[] = [], srat: Span[] = [], nodes: Span[] = [];
  const sratNodes = new Set<string>();
  for (const line of text.split("\n")) {
    const words = line.replace(/[[\]()]/g, " ").split(/\s+/).filter(Boolean);
    const at = (w: string) => words.indexOf(w);
    if (at("BIOS-e820:") >= 0 && words.at(-1) === "usable") {
      const i = at("BIOS-e820:");
      if (words[i + 1] === "mem") {
        const [a, b] = words[i + 2].split("-");
        e820.push([BigInt(a), BigInt(b) + 1n]);
      } else {
        e820.push([BigInt(`0x${words[i + 1]}`), BigInt(`0x${words[i + 3]}`)]); // START - END, exclusive
      }
    } else if (at("SRAT:") >= 0 && at("Node") >= 0 && at("mem") >= 0) {
      const [a, b] = words[at("mem") + 1].split("-");
      srat.push([BigInt(a), BigInt(b) + 1n]);
      sratNodes.add(words[at("Node") + 1]);
    } else if (at("node") >= 0 && words[at("node") + 1]?.endsWith(":") && words[at("node") + 2] === "mem") {
      const [a, b] = words[at("node") + 3].split("-");
      nodes.push([BigInt(a), BigInt(b) + 1n]);
    }
  }
  return { e820, srat, nodes, sratNodes };
}

const ARCH: Record<string, string> = { server: "x86-64", desktop: "x86-64", notebook: "x86-64", other: "x86-64", arm64: "arm64", arm32: "arm32" };
const hex = (x: bigint) => `0x${x.toString(16)}`;

describe("the real-host corpus, one test per log", () => {
  it("INDEX.tsv lists all 41 logs", () => expect(index).toHaveLength(41));

  it.each(index.map((e) => [e.file, e] as const))("%s", (file, e) => {
    const text = readFileSync(new URL(file, dir), "utf8");
    expect(text.split("\n")[0]).toBe(`# source: linuxhw/Dmesg ${e.source_path} @ ${e.commit}`);
    const map = parseMemoryMap(text, { name: file });
    const { e820, srat, nodes, sratNodes } = naive(text);

    // INDEX.tsv's hand counts agree with the naive reading ...
    expect(e820.length).toBe(Number(e.e820_usable_ranges));
    expect(sratNodes.size).toBe(Number(e.srat_nodes));
    const ram = e820.length ? e820 : nodes;
    expect(hex(ram.reduce((m, [, end]) => (end > m ? end : m), 0n) - 1n)).toBe(e.highest_usable_addr);

    // ... and the parser gives exactly what the lines state, on the log's own architecture.
    expect(map.archHint?.arch).toBe(ARCH[e.category]);
    const spans = (rs: readonly { start: bigint; end: bigint }[]) => rs.map((r): Span => [r.start, r.end]);
    if (ARCH[e.category] !== "x86-64") {
      expect(spans(map.ranges)).toEqual(nodes);
    } else if (srat.length) {
      expect(spans(map.ranges)).toEqual(srat);
      expect(spans(map.coverage)).toEqual(e820);
    } else {
      expect(spans(map.ranges)).toEqual(e820);
      expect(spans(map.coverage)).toEqual(e820);
    }
  });
});
