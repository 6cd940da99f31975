import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../src/vmevent/", import.meta.url));
/** The only files allowed to touch Node APIs: the worker_threads adapter, and what each imports. */
const NODE_ADAPTERS = new Map([
  ["workers/node-host.ts", ["node:os", "node:worker_threads"]],
  ["workers/node-role-worker.ts", ["node:child_process", "node:fs", "node:worker_threads"]], // pinning: taskset on /proc/thread-self
]);

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("the ring code runs in browsers' Web Workers too", () => {
  it("imports no Node built-ins outside the worker_threads adapter", async () => {
    const files = await sources(ROOT);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const rel = relative(ROOT, file).split("\\").join("/");
      const text = await readFile(file, "utf8");
      const nodeImports = [...text.matchAll(/from\s+"(node:[^"]+|fs|path|worker_threads|os)"/g)].map((m) => m[1]);
      if (NODE_ADAPTERS.has(rel)) expect(nodeImports.sort()).toEqual(NODE_ADAPTERS.get(rel));
      else expect({ file: rel, nodeImports }).toEqual({ file: rel, nodeImports: [] });
    }
  });
});
