/**
 * The server core must run in a browser page (in-process transport): only the transport
 * adapters (the unix socket, its path checks, the ring guest worker) may use Node built-ins. This reads the import lines of every core module.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bytes, text } from "../../src/xenstore/codec.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { XenstoreServer } from "../../src/xenstore/server.js";

const NODE_ADAPTERS = new Set(["socket-transport.ts", "socket-path.ts", "socket-client.ts", "ring-guest-worker.ts"]);
const dir = new URL("../../src/xenstore/", import.meta.url);

describe("browser-safe core", () => {
  it("no core module imports node:* (only the socket and worker adapters do)", () => {
    const offenders = readdirSync(dir).filter((f) => f.endsWith(".ts") && !NODE_ADAPTERS.has(f))
      .filter((f) => /from\s+"node:|require\(|process\./.test(readFileSync(new URL(f, dir), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the in-process transport serves a whole session without sockets", async () => {
    const server = new XenstoreServer();
    const { client, close } = connectInProcess(server);
    await client.write("/browser/x", "1");
    expect(await client.directory("/browser")).toEqual(["x"]);
    close();
    expect(server.connections.size).toBe(0);
  });

  it("every byte value survives text()", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = text(all);
    expect(s.length).toBe(256);
    expect(Array.from(s, (c) => c.charCodeAt(0))).toEqual(Array.from(all));
    expect(Array.from(bytes("é"))).toEqual([0xc3, 0xa9]);
  });
});
