/**
 * The package as users get it: `npm pack` of the built tree, installed from the tarball
 * into an empty project outside the repository (so none of the repository's node_modules
 * can be found), then imported from ESM and from CommonJS, the README's API example run
 * end to end, and a TypeScript consumer typechecked with nodenext resolution and
 * skipLibCheck off, on the oldest TypeScript the README states and on the project's own.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const REPO = new URL("../../", import.meta.url).pathname;
/** The oldest TypeScript the README promises; the test installs exactly this one. */
const OLDEST_TYPESCRIPT = "5.0.4";
const NPM = { maxBuffer: 64 << 20, timeout: 240_000 };

let project: string;
let packDir: string;

async function node(file: string): Promise<string> {
  const { stdout } = await exec(process.execPath, [file], { cwd: project, ...NPM });
  return stdout;
}

/** The first ```ts block under "## API" in README.md. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(REPO, "README.md"), "utf8");
  const api = readme.slice(readme.indexOf("\n## API\n"));
  const m = /```ts\n([\s\S]*?)```/.exec(api);
  if (!m) throw new Error("README.md has no ```ts block under ## API");
  return m[1]!;
}

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), "xenmm-pack-"));
  project = await mkdtemp(join(tmpdir(), "xenmm-consumer-"));
  // pretest built dist/ and build/; --ignore-scripts keeps `prepare` from building again.
  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], { cwd: REPO, ...NPM });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await exec("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(packDir, filename!), `typescript@${OLDEST_TYPESCRIPT}`, "@types/node@20"], { cwd: project, ...NPM });
}, 300_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(packDir, { recursive: true, force: true });
});

describe("npm install <tarball> in an empty project", () => {
  it("installs only what the package needs: no devDependency is pulled in", async () => {
    const lock = JSON.parse(await readFile(join(project, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const names = Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, ""));
    const own = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    for (const dev of Object.keys(own.devDependencies)) if (dev !== "typescript" && dev !== "@types/node") expect(names).not.toContain(dev);
  });

  it("runs the README's API example end to end from ESM", async () => {
    await writeFile(join(project, "example.mjs"), await readmeExample());
    const out = (await node("example.mjs")).trim().split("\n");
    expect(out).toEqual([
      "the default (mask) compresses: frame table 84 MiB instead of 476 MiB (5.7× smaller)",
      "0x180000", "0x180000", "1n", "0 0", "hello", "2",
    ]);
  });

  it("imports xenmm and xenmm/node from ESM", async () => {
    await writeFile(join(project, "esm.mjs"), [
      'import * as xenmm from "xenmm";',
      'import * as node from "xenmm/node";',
      'const pkg = (await import("xenmm/package.json", { with: { type: "json" } })).default;',
      "console.log(pkg.name, typeof xenmm.Engine.create, typeof node.NodeWorkerPool, typeof node.UnixSocketTransport, typeof node.connectUnix);",
    ].join("\n"));
    expect((await node("esm.mjs")).trim()).toBe("xenmm function function function function");
  });

  it("loads from CommonJS, through import() and through require()", async () => {
    await writeFile(join(project, "cjs.cjs"), [
      "(async () => {",
      '  const viaImport = await import("xenmm");',
      '  const viaRequire = require("xenmm");        // require(esm): Node >= 20.19',
      '  const nodeParts = require("xenmm/node");',
      "  console.log(viaImport.Engine === viaRequire.Engine, typeof nodeParts.NodeWorkerPool);",
      "})();",
    ].join("\n"));
    const { stdout } = await exec(process.execPath, ["--no-warnings", "cjs.cjs"], { cwd: project, ...NPM });
    expect(stdout.trim()).toBe("true function");
  });

  describe.each([
    ["the oldest supported TypeScript", () => join(project, "node_modules/typescript/bin/tsc"), OLDEST_TYPESCRIPT],
    ["the project's TypeScript", () => join(REPO, "node_modules/typescript/bin/tsc"), undefined],
  ])("a TypeScript consumer (nodenext, skipLibCheck off) typechecks with %s", (_label, tsc, version) => {
    it("including the README example", async () => {
      await writeFile(join(project, "tsconfig.json"), JSON.stringify({
        compilerOptions: {
          target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true,
          skipLibCheck: false, noEmit: true, types: ["node"], lib: ["ES2022", "DOM"],
        },
        include: ["consumer.ts", "example.ts"],
      }));
      await writeFile(join(project, "example.ts"), await readmeExample());
      await writeFile(join(project, "consumer.ts"), [
        'import { Engine, XenmmError, type MemoryMap, type Pdx, vmevent, xenstore } from "xenmm";',
        'import { NodeWorkerPool, connectUnix } from "xenmm/node";',
        "export async function first(map: MemoryMap): Promise<bigint> {",
        '  const engine = await Engine.create({ arch: "x86-64" });',
        "  const pdx: Pdx = engine.setup(map);",
        "  const out: BigUint64Array = pdx.convert(\"pfnToPdx\", engine.allocU64(8));",
        "  return out[0]!;",
        "}",
        "export const kinds: Array<unknown> = [XenmmError, NodeWorkerPool, connectUnix, vmevent.simulate, xenstore.XenstoreServer];",
        "export type Run = ReturnType<typeof vmevent.simulate>;",
      ].join("\n"));
      const { stdout: v } = await exec(process.execPath, [tsc(), "--version"], { cwd: project });
      if (version) expect(v.trim()).toBe(`Version ${version}`);
      const r = await exec(process.execPath, [tsc(), "-p", "tsconfig.json"], { cwd: project, ...NPM }).then(
        () => "", (e: { stdout?: string }) => e.stdout ?? String(e));
      expect(r).toBe("");
    });
  });
});
