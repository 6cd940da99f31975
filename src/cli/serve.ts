/**
 * `xenmm serve [--port N] [--host H]`: serves the playground build (dist/web) with the
 * headers that make a page cross-origin isolated (COOP same-origin + COEP require-corp),
 * because only then do browsers hand the engine's shared WebAssembly.Memory to Web
 * Workers (docs/notes/toolchain.md §5). Static files only; GET and HEAD only.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { intFlag, parseCommand } from "./args.js";
import type { Verb } from "./verb.js";

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "127.0.0.1";

const USAGE = `usage: xenmm serve [--port N] [--host H]
Serves the browser playground (dist/web, built by npm run build) at http://H:N/ with
Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy set, so the page is
cross-origin isolated. Defaults: --host ${DEFAULT_HOST} --port ${DEFAULT_PORT} (0 picks a free port).
Stop with Ctrl-C.`;

const OPTIONS = { port: { type: "string" }, host: { type: "string" } } as const;

/** dist/src/cli/serve.js → dist/web/. */
const WEB_ROOT = fileURLToPath(new URL("../../web/", import.meta.url));

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json", ".wasm": "application/wasm",
  ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
};

/** Headers on every response: isolation for the page, and same-origin resources for its workers. */
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};

/** The file a URL path names inside `root`, or null when it would escape it. */
export function resolveInRoot(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = normalize(join(root, decoded.endsWith("/") ? `${decoded}index.html` : decoded));
  const rootDir = root.endsWith(sep) ? root : root + sep;
  return file.startsWith(rootDir) ? file : null;
}

async function respond(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const plain = (status: number, text: string) => {
    res.writeHead(status, { ...ISOLATION, "Content-Type": "text/plain; charset=utf-8" });
    res.end(req.method === "HEAD" ? undefined : `${text}\n`);
  };
  if (req.method !== "GET" && req.method !== "HEAD") return plain(405, "method not allowed");
  const file = resolveInRoot(root, req.url ?? "/");
  if (!file) return plain(400, "bad path");
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return plain(404, "not found");
  res.writeHead(200, {
    ...ISOLATION,
    "Content-Type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": info.size,
    // Hashed asset names never change content; the page itself must be revalidated.
    "Cache-Control": file.includes(`${sep}assets${sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (req.method === "HEAD") return void res.end();
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
}

export const verb: Verb = {
  summary: "serve the browser playground (dist/web), cross-origin isolated",
  async run(argv) {
    const { values, positionals } = parseCommand(argv, OPTIONS, USAGE);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
    const port = intFlag("port", values.port, DEFAULT_PORT, 0, 65535);
    const host = values.host ?? DEFAULT_HOST;
    if (!host.trim()) throw new UsageError("--host: empty host name");
    const index = await stat(join(WEB_ROOT, "index.html")).catch(() => null);
    if (!index?.isFile())
      throw new UsageError(`the playground is not built: ${join(WEB_ROOT, "index.html")} is missing; run npm run build (or node scripts/build-web.mjs) first`);

    const server = createServer((req, res) => {
      respond(WEB_ROOT, req, res).catch((e: unknown) => {
        console.error(`xenmm serve: ${req.url}: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500, ISOLATION);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) => reject(
        e.code === "EADDRINUSE" ? new UsageError(`--port ${port}: ${host}:${port} is already in use; pick another with --port`)
          : e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND" ? new UsageError(`--host ${host}: cannot listen there (${e.code})`)
            : e));
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    console.log(`xenmm serve: http://${shown}:${address.port}/ (serving ${WEB_ROOT}; Ctrl-C stops)`);

    // Resolve once a signal has closed the server, so the CLI exits with status 0.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        console.log(`xenmm serve: ${signal}, stopping`);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  },
};
