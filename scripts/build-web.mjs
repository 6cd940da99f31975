#!/usr/bin/env node
/**
 * Production build of the browser playground: src/web/index.html → dist/web/, with
 * Vite (already installed as vitest's dependency). The engine's WASM is embedded in the
 * JS (src/engine/wasm-binary.generated.ts), so run `npm run asbuild` first; Web Workers
 * are bundled as ES modules from their `new Worker(new URL(…), { type: "module" })` sites.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("../src/web/", import.meta.url));
const outDir = fileURLToPath(new URL("../dist/web/", import.meta.url));
const generated = fileURLToPath(new URL("../src/engine/wasm-binary.generated.ts", import.meta.url));

if (!existsSync(generated)) {
  console.error(`build-web: ${generated} is missing; run npm run asbuild first`);
  process.exit(1);
}

const t0 = performance.now();
await build({
  root,
  base: "./", // relative URLs, so dist/web works under any path
  configFile: false,
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // The embedded WASM makes one chunk large by design; that is not a warning.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      // bench/machine.ts imports node:* modules only when it runs under Node; in the page
      // that branch never runs, so Vite's "externalized for browser compatibility" note is noise.
      onLog(level, log, handler) {
        if (/"node:(os|fs|child_process|path|url)" has been externalized/.test(log.message)) return;
        handler(level, log);
      },
    },
  },
  worker: { format: "es" },
});
console.log(`build-web: ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
