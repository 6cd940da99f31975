/**
 * End-to-end: Debian's xenstore-utils (libxenstore 4.17) against our server on a unix
 * socket, found through XENSTORED_PATH. `npm test` provisions the package
 * (scripts/provision-tests.mjs).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI } from "../run-cli.js";
import "../support/system-tools.js";
import { startServer, tool, type Running } from "./helpers.js";

let xs: Running;
beforeEach(async () => { xs = await startServer(); });
afterEach(async () => { await xs.stop(); });

describe("Debian xenstore-utils against xenmm xenstored", () => {
  it("write, read (one and several paths), ls -fp of the initial tree", async () => {
    expect((await tool(xs.path, "xenstore-write", "/tool/foo", "bar", "/local/domain/5/name", "guest5")).code).toBe(0);
    expect((await tool(xs.path, "xenstore-read", "/tool/foo")).stdout).toBe("bar\n");
    expect((await tool(xs.path, "xenstore-read", "/tool/foo", "/local/domain/5/name")).stdout).toBe("bar\nguest5\n");
    const ls = await tool(xs.path, "xenstore-ls", "-fp", "/");
    expect(ls.stdout).toBe([
      '/tool = ""   (n0)',
      '/tool/xenstored = ""   (n0)',
      '/tool/foo = "bar"   (n0)',
      '/local = ""   (n0)',
      '/local/domain = ""   (n0)',
      '/local/domain/5 = ""   (n0)',
      '/local/domain/5/name = "guest5"   (n0)',
      "",
    ].join("\n"));
  });

  it("relative paths land under /local/domain/0", async () => {
    await tool(xs.path, "xenstore-write", "rel/x", "1");
    expect((await tool(xs.path, "xenstore-read", "/local/domain/0/rel/x")).stdout).toBe("1\n");
  });

  it("list, exists, rm, chmod", async () => {
    await tool(xs.path, "xenstore-write", "/d/a", "1", "/d/b", "2");
    expect((await tool(xs.path, "xenstore-list", "/d")).stdout).toBe("a\nb\n");
    expect((await tool(xs.path, "xenstore-exists", "/d/a")).code).toBe(0);
    expect((await tool(xs.path, "xenstore-exists", "/d/zz")).code).toBe(1);
    expect((await tool(xs.path, "xenstore-chmod", "/d/a", "n0", "r5", "b7")).code).toBe(0);
    expect((await tool(xs.path, "xenstore-ls", "-fp", "/d")).stdout).toBe('/d/a = "1"   (n0,r5,b7)\n/d/b = "2"   (n0)\n');
    expect((await tool(xs.path, "xenstore-rm", "/d/a")).code).toBe(0);
    expect((await tool(xs.path, "xenstore-list", "/d")).stdout).toBe("b\n");
  });

  it("read of a missing node fails; bad path is rejected", async () => {
    const r = await tool(xs.path, "xenstore-read", "/nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("couldn't read path /nope");
    const bad = await tool(xs.path, "xenstore-write", "/a b", "x");
    expect(bad.code).not.toBe(0);
  });

  it("xenstore-list falls back to DIRECTORY_PART for a directory over 4096 bytes", async () => {
    const c = await xs.connect();
    const names = Array.from({ length: 400 }, (_, i) => `child-with-a-long-name-${String(i).padStart(9, "0")}`);
    expect(names[0]!.length).toBe(32);
    for (const n of names) await c.client.write(`/big/${n}`, "");
    const r = await tool(xs.path, "xenstore-list", "/big");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(names.join("\n") + "\n");
  });

  it("xenstore-watch sees the registration event and later writes", async () => {
    const child = spawn("xenstore-watch", ["-n", "3", "/w"], { env: { ...process.env, XENSTORED_PATH: xs.path } });
    try {
      let out = "";
      let failed: Error | undefined;
      child.on("error", (e) => { failed = e; });
      child.stdout.on("data", (d) => { out += d; });
      const done = new Promise<number>((r) => child.on("exit", (code) => r(code ?? -1)));
      while (!out.includes("/w\n")) {
        if (failed || child.exitCode !== null) throw failed ?? new Error(`xenstore-watch exited early: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await tool(xs.path, "xenstore-write", "/w/a", "1");
      await tool(xs.path, "xenstore-write", "/elsewhere", "1");
      await tool(xs.path, "xenstore-rm", "/w");
      expect(await done).toBe(0);
      expect(out).toBe("/w\n/w/a\n/w\n");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});

describe("xenmm xenstored --socket (the built CLI) with Debian's clients", () => {
  it("serves them and stops cleanly on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-cli-"));
    const sock = join(dir, "xs.sock");
    const child = spawn(process.execPath, [CLI, "xenstored", "--socket", sock, "--log-level", "debug"]);
    try {
      let log = "";
      child.stderr.on("data", (d) => { log += d; });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      while (!log.includes("listening on")) {
        if (child.exitCode !== null) throw new Error(`xenmm xenstored exited early: ${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await tool(sock, "xenstore-write", "/cli/x", "42")).code).toBe(0);
      expect((await tool(sock, "xenstore-read", "/cli/x")).stdout).toBe("42\n");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(log).toContain("WRITE tx=0");
      expect(log).toContain("SIGTERM, shutting down");
      expect(existsSync(sock)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
