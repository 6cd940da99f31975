/** Every benchmark report names the build it measured: version, git describe and the engine's sha256. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { buildLine, machineInfo } from "../../bench/machine.js";
import { WASM_BASE64 } from "../../src/engine/wasm-binary.generated.js";
import { WASM_SHA256 } from "../../src/index.js";

it("machineInfo records the package version, git describe and the sha256 of the embedded WASM", async () => {
  const { build } = await machineInfo();
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const sha = createHash("sha256").update(Buffer.from(WASM_BASE64, "base64")).digest("hex");
  expect(WASM_SHA256).toBe(sha);
  expect(build.version).toBe(pkg.version);
  expect(build.wasm_sha256).toBe(sha);
  expect(build.git).toMatch(/^[0-9a-z.\-_]+$/i); // this checkout is a git work tree
  expect(buildLine(build)).toBe(`xenmm ${pkg.version} (git ${build.git}), wasm sha256 ${sha.slice(0, 12)}`);
});
