/**
 * Domains die over the socket too (issue 11 §4): `xenmm xenstored --socket` carries the
 * hypervisor model, `xenmm xenstored ctl` (CONTROL "domain …") creates, shuts down and
 * destroys domains, and Debian's xenstore-watch sees @releaseDomain. Also: a guest whose
 * ring is reset (guest-initiated reconnect, or re-INTRODUCE on resume) keeps working.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { text } from "../../src/xenstore/codec.js";
import { Hypervisor } from "../../src/xenstore/hypervisor.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { EventChannel, RingPage, XENSTORE_CONNECTED, XENSTORE_RECONNECT } from "../../src/xenstore/ring.js";
import { RingGuest } from "../../src/xenstore/ring-guest.js";
import { RingTransport } from "../../src/xenstore/ring-transport.js";
import { XenstoreServer } from "../../src/xenstore/server.js";
import { C_PEER_CACHE } from "../support/system-tools.js";
import { CLI, xenmm } from "../run-cli.js";
import { tool } from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilIncludes(read: () => string, wanted: string): Promise<void> {
  for (let i = 0; i < 500 && !read().includes(wanted); i++) await sleep(20);
}

describe("domains die over the socket", () => {
  it("xenmm xenstored ctl drives shutdown and death; Debian's xenstore-watch sees @releaseDomain", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ctl-"));
    const sock = join(dir, "xs.sock");
    const server = spawn(process.execPath, [CLI, "xenstored", "--socket", sock]);
    let log = "";
    server.stderr.on("data", (d) => { log += d; });
    const env = { ...process.env, XENSTORED_PATH: sock };
    try {
      await untilIncludes(() => log, "listening on");
      expect(await xenmm("xenstored", "ctl", "--socket", sock, "create", "5")).toMatchObject({ code: 0, stdout: "create dom5: OK\n" });
      // The toolstack's part: the domain's home, owned by it.
      expect((await tool(sock, "xenstore-write", "/local/domain/5/name", "guest5")).code).toBe(0);
      expect((await tool(sock, "xenstore-chmod", "/local/domain/5", "n5")).code).toBe(0);

      const watch = spawn("xenstore-watch", ["-n", "3", "@releaseDomain"], { env });
      let out = "";
      watch.stdout.on("data", (d) => { out += d; });
      const exited = new Promise<number>((r) => watch.on("exit", (code) => r(code ?? -1)));
      await untilIncludes(() => out, "@releaseDomain\n"); // the registration event

      expect((await xenmm("xenstored", "ctl", "--socket", sock, "shutdown", "5")).code).toBe(0);
      await untilIncludes(() => out, "@releaseDomain\n@releaseDomain\n");
      expect((await tool(sock, "xenstore-read", "/local/domain/5/name")).stdout).toBe("guest5\n"); // shut down, not gone
      expect((await xenmm("xenstored", "ctl", "--socket", sock, "list")).stdout).toBe("5 shutdown\n");

      expect((await xenmm("xenstored", "ctl", "--socket", sock, "destroy", "5")).code).toBe(0);
      expect(await exited).toBe(0);
      expect(out).toBe("@releaseDomain\n@releaseDomain\n@releaseDomain\n");
      // Its nodes went with it.
      expect((await tool(sock, "xenstore-exists", "/local/domain/5")).code).toBe(1);
      expect((await xenmm("xenstored", "ctl", "--socket", sock, "list")).stdout).toBe("");
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ctl refuses what it cannot do with one line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ctl-"));
    const sock = join(dir, "xs.sock");
    const missing = await xenmm("xenstored", "ctl", "--socket", sock, "create", "5");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot connect to ${sock}`);
    expect((await xenmm("xenstored", "ctl", "--socket", sock, "explode", "5")).code).toBe(2);
    expect((await xenmm("xenstored", "ctl", "--socket", sock, "create")).code).toBe(2);
    expect((await xenmm("xenstored", "ctl", "--socket", sock, "create", "40000")).code).toBe(2);
    await rm(dir, { recursive: true, force: true });
  });

  it("CONTROL domain: answers and errors, also from Debian's xenstore-control", async () => {
    const hv = new Hypervisor();
    const server = new XenstoreServer({ hypervisor: hv });
    const dom0 = connectInProcess(server).client;
    const control = (...args: string[]) => dom0.call(MsgType.CONTROL, ["domain", ...args]);
    expect(await control("create", "7")).toBe("OK\0");
    await expect(control("create", "7")).rejects.toMatchObject({ errno: "EEXIST" });
    await expect(control("shutdown", "8")).rejects.toMatchObject({ errno: "ENOENT" });
    await expect(control("destroy", "x")).rejects.toMatchObject({ errno: "EINVAL" });
    await expect(control("launch", "7")).rejects.toMatchObject({ errno: "EINVAL" });
    expect(await control("list")).toBe("7 running\n\0");
    expect(hv.exists(7)).toBe(true);
    // Without a hypervisor model there is nothing to drive.
    const bare = connectInProcess(new XenstoreServer()).client;
    await expect(bare.call(MsgType.CONTROL, ["domain", "list"])).rejects.toMatchObject({ errno: "ENOSYS" });
    // An unprivileged guest may not.
    const guest = connectInProcess(server, { domid: 7 }).client;
    await expect(guest.call(MsgType.CONTROL, ["domain", "list"])).rejects.toMatchObject({ errno: "EACCES" });

    const xenstoreControl = join(C_PEER_CACHE, "xu/usr/lib/xen-4.17/bin/xenstore-control");
    expect(existsSync(xenstoreControl)).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ctl-"));
    const sock = join(dir, "xs.sock");
    const cli = spawn(process.execPath, [CLI, "xenstored", "--socket", sock]);
    let log = "";
    cli.stderr.on("data", (d) => { log += d; });
    try {
      await untilIncludes(() => log, "listening on");
      expect((await tool(sock, xenstoreControl, "domain", "create", "3")).code).toBe(0);
      expect((await tool(sock, xenstoreControl, "domain", "list")).stdout).toBe("3 running\n\n");
      expect((await tool(sock, xenstoreControl, "help")).stdout).toContain("domain");
    } finally {
      cli.kill("SIGTERM");
      await new Promise((r) => cli.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("ring reconnect", () => {
  async function ringDomain(domid: number) {
    const server = new XenstoreServer();
    const rings = new RingTransport(server);
    const dom0 = connectInProcess(server).client;
    const ring = { page: RingPage.allocate(), evtchn: new EventChannel() };
    rings.seed(domid, BigInt(domid), ring);
    await dom0.write(`/local/domain/${domid}`, "");
    await dom0.call(MsgType.SET_PERMS, [`/local/domain/${domid}`, `n${domid}`]);
    await dom0.call(MsgType.INTRODUCE, [`${domid}`, `${domid}`, "7"]);
    const guest = new RingGuest(ring.page, ring.evtchn);
    return { server, rings, dom0, ring, guest };
  }

  it("a guest that sets connection = RECONNECT starts afresh and keeps working", async () => {
    const { server, rings, dom0, ring, guest } = await ringDomain(5);
    try {
      await guest.client.watch("w", "before");
      await guest.client.write("a", "1");
      const seen = ring.evtchn.seen(EventChannel.TO_GUEST);
      ring.page.connection = XENSTORE_RECONNECT;
      ring.evtchn.notify(EventChannel.TO_SERVER);
      await ring.evtchn.wait(EventChannel.TO_GUEST, seen, 2000);
      expect(ring.page.connection).toBe(XENSTORE_CONNECTED);
      expect(await guest.client.read("a")).toBe("1");
      await guest.client.watch("w", "after");
      await dom0.write("/local/domain/5/w", "x");
      await guest.client.waitForEvents(3);
      // The watch from before the reset is gone: only "after" fires.
      expect(guest.client.events.slice(1).map((m) => text(m.payload))).toEqual(["w\0after\0", "w\0after\0"]);
      expect(server.connections.size).toBe(2);
    } finally {
      await guest.close();
      rings.close();
    }
  });

  it("re-INTRODUCE (resume) resets the ring; the guest keeps working", async () => {
    const { dom0, ring, guest, rings } = await ringDomain(6);
    try {
      await guest.client.write("a", "1");
      const words = new Int32Array(ring.page.buffer);
      expect(words[2052 / 4]).not.toBe(0); // req_prod moved
      await dom0.call(MsgType.RESUME, ["6"]);
      await dom0.call(MsgType.INTRODUCE, ["6", "6", "9"]);
      expect(Array.from(words.subarray(2048 / 4, 2064 / 4))).toEqual([0, 0, 0, 0]);
      expect(await guest.client.read("a")).toBe("1");
      expect(await guest.client.write("b", "2")).toBe("OK\0");
    } finally {
      await guest.close();
      rings.close();
    }
  });
});
