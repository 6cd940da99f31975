/**
 * `xenmm xenstored --socket PATH` never destroys a file: only a stale socket (nobody
 * answering) is replaced; files, directories, symlinks and live sockets are refused, and so
 * are paths the kernel cannot bind (missing directory, /proc, "", over 107 bytes) — each with
 * one line and exit 2, leaving nothing behind.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, xenmm } from "../run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "xenmm-sock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running { child: ChildProcess; log: () => string; exited: Promise<number | null> }

/** A `node` child until it prints `ready` on stderr (or exits first). */
async function startUntil(args: string[], ready: string): Promise<Running> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d) => { log += d; });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!log.includes(ready) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { child, log: () => log, exited };
}

const serve = (path: string) => startUntil([CLI, "xenstored", "--socket", path], "listening on");

/** Whether something accepts connections on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** xenmm serves on `path` (a client connects), stops on SIGTERM with exit 0 and removes its socket. */
async function servesThenStops(path: string): Promise<void> {
  const server = await serve(path);
  try {
    expect(server.log()).toContain(`listening on ${path}`);
    expect(await answers(path)).toBe(true);
  } finally {
    server.child.kill("SIGTERM");
  }
  expect(await server.exited).toBe(0);
  expect(existsSync(path)).toBe(false);
}

async function refused(path: string): Promise<string> {
  const r = await xenmm("xenstored", "--socket", path);
  expect([r.code, r.stdout]).toEqual([2, ""]);
  expect(r.stderr.split("\n")).toHaveLength(2); // one line and the final newline
  return r.stderr;
}

describe("xenstored --socket refuses what it must not replace", () => {
  it("a regular file survives, byte for byte", async () => {
    const file = join(dir, "precious.txt");
    writeFileSync(file, "do not delete\n");
    expect(await refused(file)).toBe(`xenmm: socket "${file}": a regular file is there; refusing to replace it (only a stale socket is removed)\n`);
    expect(readFileSync(file, "utf8")).toBe("do not delete\n");
  });

  it("a directory, a symlink (and its target) survive", async () => {
    const sub = join(dir, "a-dir");
    mkdirSync(sub);
    writeFileSync(join(sub, "inside"), "x");
    expect(await refused(sub)).toBe(`xenmm: socket "${sub}": a directory is there; refusing to replace it (only a stale socket is removed)\n`);
    const link = join(dir, "link");
    symlinkSync(join(sub, "inside"), link);
    expect(await refused(link)).toBe(`xenmm: socket "${link}": a symbolic link is there; refusing to replace it (only a stale socket is removed)\n`);
    expect(readdirSync(sub)).toEqual(["inside"]);
    expect(readFileSync(link, "utf8")).toBe("x");
  });

  it("a FIFO and a device survive", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(await refused(fifo)).toBe(`xenmm: socket "${fifo}": a FIFO is there; refusing to replace it (only a stale socket is removed)\n`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(await refused("/dev/null")).toBe('xenmm: socket "/dev/null": a device is there; refusing to replace it (only a stale socket is removed)\n');
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("paths the kernel cannot bind", async () => {
    expect(await refused("")).toBe('xenmm: socket "": the path is empty\n');
    const missing = join(dir, "no-such-dir", "xs.sock");
    expect(await refused(missing)).toBe(`xenmm: socket "${missing}": its directory does not exist (ENOENT)\n`);
    expect(await refused("/proc/version")).toBe('xenmm: socket "/proc/version": a regular file is there; refusing to replace it (only a stale socket is removed)\n');
    expect(await refused("/proc/version/xs.sock")).toBe('xenmm: socket "/proc/version/xs.sock": a component of the path is not a directory (ENOTDIR)\n');
    expect(await refused("/proc/xenmm-xs.sock")).toMatch(/^xenmm: socket "\/proc\/xenmm-xs\.sock": [a-z ]+ \(E[A-Z]+\)\n$/);
  });

  it("a path over 107 bytes is refused and leaves no truncated socket behind", async () => {
    const long = join(dir, "long");
    mkdirSync(long);
    const path = join(long, "s".repeat(108 - long.length - 1));
    expect(Buffer.byteLength(path)).toBe(108);
    expect(await refused(path)).toBe(`xenmm: socket "${path}": the path is 108 bytes; a unix socket path holds at most 107\n`);
    expect(readdirSync(long)).toEqual([]);
  });

  it("a path of exactly 107 bytes is served under its full name", async () => {
    const path = join(dir, "x".repeat(107 - dir.length - 1));
    expect(Buffer.byteLength(path)).toBe(107);
    await servesThenStops(path);
  });
});

describe("sockets: stale ones are replaced, live ones are left alone", () => {
  it("a socket whose server was killed is replaced and served", async () => {
    const path = join(dir, "stale.sock");
    // A server that dies without cleaning up: its socket file stays, and nobody answers.
    const dead = await startUntil(["-e", `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.error("up"))`], "up");
    dead.child.kill("SIGKILL");
    await dead.exited;
    expect([existsSync(path), await answers(path)]).toEqual([true, false]);
    await servesThenStops(path);
  });

  it("a live server's socket is refused and the server keeps serving", async () => {
    const path = join(dir, "live.sock");
    const first = await serve(path);
    try {
      expect(await refused(path)).toBe(`xenmm: socket "${path}": a server is listening there; stop it or pick another path\n`);
      expect(await answers(path)).toBe(true);
    } finally {
      first.child.kill("SIGTERM");
    }
    expect(await first.exited).toBe(0);
    expect(first.log()).not.toContain("xenmm:");
  });
});
