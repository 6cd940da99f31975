import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Test files that drive Debian's xenstore-utils or C xenstored import
 * test/support/system-tools.ts. `npm test` provisions those tools
 * (scripts/provision-tests.mjs); XENMM_SKIP_SYSTEM_TESTS=1 leaves these files out, by
 * name, instead of skipping anything silently.
 */
function systemToolTests(): string[] {
  const files = (readdirSync("test", { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts"));
  return files.map((f) => join("test", f)).filter((f) => /support\/system-tools\.js/.test(readFileSync(f, "utf8")));
}

const leftOut = process.env.XENMM_SKIP_SYSTEM_TESTS === "1" ? systemToolTests() : [];
if (leftOut.length > 0) console.error(`XENMM_SKIP_SYSTEM_TESTS=1: leaving out ${leftOut.length} test files: ${leftOut.join(", ")}`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...leftOut],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
