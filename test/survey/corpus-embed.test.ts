/** The corpus shipped in the package (src/corpus, generated) is the fixtures' corpus, byte for byte. */
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { REAL_HOSTS } from "../../src/corpus/real-hosts.js";

it("src/corpus/real-hosts.ts equals test/fixtures/real-hosts (else run node scripts/embed-corpus.mjs)", () => {
  const dir = new URL("../fixtures/real-hosts/", import.meta.url);
  const logs = readdirSync(dir).filter((f) => f.endsWith(".log"));
  expect(Object.fromEntries(REAL_HOSTS.map((e) => [e.file, e.text])))
    .toEqual(Object.fromEntries(logs.map((f) => [`real-hosts/${f}`, readFileSync(new URL(f, dir), "utf8")])));
});
