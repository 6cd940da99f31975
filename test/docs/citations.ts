/**
 * The citation checker behind citations.test.ts: every `docs/notes/<note>.md §n` names a heading of
 * that note, every path into this repository exists, and nothing points outside it (the research
 * folder a clone does not have).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** What a citation check found wrong, one line each. */
export interface CitationProblem {
  file: string;
  line: number;
  message: string;
}

const NOTE_CITATION = /docs\/notes\/([\w-]+)\.md((?:\s*(?:,|and)?\s*§[\d.]+(?:\s*[–-]\s*§?[\d.]+)?)*)/g;
const SECTION = /§?([\d]+(?:\.[\d]+)*)/g;
// A path right after a quote is data in code (a test's made-up file), not a citation.
const REPOSITORY_PATH = /(?<![\w./"'-])((?:src|bench|assembly|test|docs|scripts)\/[\w./{},-]*\.(?:ts|mjs|js|json|md|svg|png|log))\b/g;
const OUTSIDE = /(?:\.\.\/shared\/|\bresearch\/[\w-]*(?:\.md)?|\bresearch §)/;

/** The `§n` headings of a note, e.g. "2.1" for `## §2.1 Registering RAM ranges`. */
export function noteSections(markdown: string): Set<string> {
  const sections = new Set<string>();
  for (const match of markdown.matchAll(/^#+ §([\d.]+)\b/gm)) sections.add(match[1].replace(/\.$/, ""));
  return sections;
}

/** `{a,b}` alternatives expand to one path each, as in `asm/{config,mm}.h`. */
function expandBraces(path: string): string[] {
  const brace = /\{([^{}]*)\}/.exec(path);
  if (brace === null) return [path];
  const [before, after] = [path.slice(0, brace.index), path.slice(brace.index + brace[0].length)];
  return brace[1].split(",").flatMap((choice) => expandBraces(before + choice + after));
}

/** The problems in one file's text; `notes` maps a note name to its headings, `exists` checks a path. */
export function checkCitations(
  file: string,
  text: string,
  notes: ReadonlyMap<string, Set<string>>,
  exists: (path: string) => boolean,
): CitationProblem[] {
  const problems: CitationProblem[] = [];
  text.split("\n").forEach((lineText, index) => {
    const report = (message: string) => problems.push({ file, line: index + 1, message });
    if (OUTSIDE.test(lineText)) report(`points outside the repository: ${lineText.trim()}`);
    for (const match of lineText.matchAll(NOTE_CITATION)) {
      const sections = notes.get(match[1]);
      if (sections === undefined) {
        report(`no note docs/notes/${match[1]}.md`);
        continue;
      }
      for (const section of match[2].matchAll(SECTION)) {
        if (!sections.has(section[1])) report(`docs/notes/${match[1]}.md has no heading §${section[1]}`);
      }
    }
    for (const match of lineText.matchAll(REPOSITORY_PATH)) {
      if (match[1].startsWith("docs/notes/")) continue; // checked above, heading by heading
      for (const path of expandBraces(match[1].replace(/\.$/, ""))) {
        if (!exists(path)) report(`no such path in the repository: ${path}`);
      }
    }
  });
  return problems;
}

/** Every file under `folder` whose name ends in one of `extensions`. */
export function filesUnder(folder: string, extensions: readonly string[]): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .map((relative) => join(folder, relative))
    .filter((path) => extensions.some((extension) => path.endsWith(extension)) && statSync(path).isFile());
}

/** The notes in docs/notes/, each with its headings. */
export function loadNotes(root: string): Map<string, Set<string>> {
  const folder = join(root, "docs", "notes");
  return new Map(
    readdirSync(folder)
      .filter((name) => name.endsWith(".md"))
      .map((name) => [name.slice(0, -3), noteSections(readFileSync(join(folder, name), "utf8"))]),
  );
}

/** Whether a repository-relative path exists under `root`. */
export function pathExists(root: string): (path: string) => boolean {
  return (path) => existsSync(join(root, path));
}
