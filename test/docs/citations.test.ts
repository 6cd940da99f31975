/**
 * Issue 14 §5: every source a comment cites resolves inside the repository, so a clone can follow it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCitations, filesUnder, loadNotes, noteSections, pathExists } from "./citations.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const CITING = [
  ...["src", "bench", "assembly", "test", "scripts"].flatMap((folder) =>
    filesUnder(`${ROOT}${folder}`, [".ts", ".mjs", ".js", ".json", ".md"]),
  ),
  `${ROOT}README.md`,
].filter((file) => !file.endsWith("test/docs/citations.test.ts")); // its examples are broken on purpose

describe("citations", () => {
  const notes = loadNotes(ROOT);
  const exists = pathExists(ROOT);

  it("every note citation, repository path and source in src, bench, assembly, test, scripts and README resolves", () => {
    const problems = CITING.flatMap((file) =>
      checkCitations(file.slice(ROOT.length), readFileSync(file, "utf8"), notes, exists),
    );
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });

  it("the notes cover every section the code cites", () => {
    expect([...notes.keys()].sort()).toEqual(["README", "pdx", "toolchain", "vm_event", "xenstore"]);
    expect(notes.get("pdx")?.has("2.1")).toBe(true);
    expect(notes.get("xenstore")?.has("7.4")).toBe(true);
  });

  it("reports a missing heading, a missing path, a missing note and a path outside the repository", () => {
    const fake = new Map([["pdx", noteSections("# PDX\n## §2.1 Registering\n### §3 Mask\n")]]);
    const text = [
      "// (docs/notes/pdx.md §2.1, §3) fine",
      "// docs/notes/pdx.md §2.1–§2.4 ends at a missing heading",
      "// see src/pdx/nowhere.ts and docs/notes/pdf.md §1",
      "// research/pdx.md §2.1",
    ].join("\n");
    const problems = checkCitations("x.ts", text, fake, (path) => path === "src/pdx/bits.ts");
    // Line 1 is fine; each other line has exactly one problem.
    expect(problems).toEqual([
      { file: "x.ts", line: 2, message: "docs/notes/pdx.md has no heading §2.4" },
      { file: "x.ts", line: 3, message: "no note docs/notes/pdf.md" },
      { file: "x.ts", line: 3, message: "no such path in the repository: src/pdx/nowhere.ts" },
      { file: "x.ts", line: 4, message: "points outside the repository: // research/pdx.md §2.1" },
    ]);
  });

  it("expands brace alternatives into one path each", () => {
    const seen: string[] = [];
    checkCitations("x.ts", "// test/{arch,pdx/bits}.test.ts", new Map(), (path) => (seen.push(path), true));
    expect(seen).toEqual(["test/arch.test.ts", "test/pdx/bits.test.ts"]);
  });
});
