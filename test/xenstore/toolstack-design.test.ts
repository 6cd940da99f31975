/**
 * The third release design (issue 11 §6): the toolstack binds VIRQ_DOM_EXC, polls the
 * stable domain state and tells xenstored with XS_RELEASE. Hand-computed model counts and
 * delays (release-storm.test.ts checks the real server against the model), which component
 * uses what, and the design over the socket with Debian's xenstore-watch.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { text } from "../../src/xenstore/codec.js";
import { Hypervisor } from "../../src/xenstore/hypervisor.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { runInterfaceDemo } from "../../src/xenstore/interface-demo.js";
import { simulateReleaseStorm } from "../../src/xenstore/release-storm.js";
import { XenstoreServer } from "../../src/xenstore/server.js";
import { Toolstack } from "../../src/xenstore/toolstack.js";
import "../support/system-tools.js";
import { CLI, xenmm } from "../run-cli.js";

describe("model: hand-computed counts and delays", () => {
  // N=4, M=6 (listeners 0..5 → domains 1,2,3,4,1,2, so c = [_, 2, 2, 1, 1]), K=2, 2 µs a query, 5 µs a hop.
  const base = { domains: 4, listeners: 6, deaths: 2, queryCostUs: 2, hopUs: 5 };

  it("toolstack: two polls per death, one XS_RELEASE hop and one event hop", () => {
    expect(simulateReleaseStorm({ ...base, design: "toolstack" })).toEqual({
      design: "toolstack", domains: 4, listeners: 6, deaths: 2, queries: 4, lock_hold_ms: 0.008,
      events_delivered: 4, events_irrelevant: 0, notify_delay_us_mean: 12, notify_delay_us_max: 12, // 2 + 2·5
    });
    expect(simulateReleaseStorm({ ...base, design: "new" })).toMatchObject({ notify_delay_us_mean: 7, notify_delay_us_max: 7 });
  });

  it("legacy: each relevant listener waits for xenstored's scan and every scan before its own", () => {
    // d1: A = 4, xenstored 8 µs + hop 5, then listeners 0 (1st to scan) and 4 (5th): 21, 53.
    // d2: A = 3, xenstored 6 µs + hop 5, listeners 1 (1st) and 5 (4th of 4 active): 17, 35.
    expect(simulateReleaseStorm({ ...base, design: "legacy" })).toMatchObject({
      notify_delay_us_mean: (21 + 53 + 17 + 35) / 4, notify_delay_us_max: 53,
    });
  });
});

describe("who binds the VIRQ and who asks Xen", () => {
  it("xenstored binds nothing; the toolstack polls and sends XS_RELEASE; shutdown stays with the toolstack", async () => {
    const hv = new Hypervisor();
    const server = new XenstoreServer({ design: "toolstack", hypervisor: hv });
    expect(hv.onVirqDomExc).toBeUndefined();
    const toolstack = new Toolstack(server, hv);
    const admin = connectInProcess(server).client;
    hv.create(5);
    await admin.call(MsgType.INTRODUCE, ["5", "0", "3"]);
    await admin.watch("@releaseDomain", "plain");
    await admin.watch("@releaseDomain/5", "five");
    hv.shutdown(5);
    expect([...toolstack.shutDown]).toEqual([5]);
    expect(await admin.call(MsgType.IS_DOMAIN_INTRODUCED, ["5"])).toBe("T\0");
    hv.destroy(5);
    expect(toolstack.releases).toBe(1);
    expect(toolstack.shutDown.size).toBe(0);
    expect(await admin.call(MsgType.IS_DOMAIN_INTRODUCED, ["5"])).toBe("F\0");
    await admin.waitForEvents(4);
    expect(admin.events.map((m) => text(m.payload))).toEqual([
      "@releaseDomain\0plain\0", "@releaseDomain/5\0five\0", "@releaseDomain/5\0five\0", "@releaseDomain\0plain\0",
    ]);
  });

  it("interfaces: xenstored uses no domain-state query in the toolstack design; only legacy needs unstable ones", () => {
    const used = (design: "legacy" | "new" | "toolstack") => {
      const server = new XenstoreServer({ design });
      runInterfaceDemo(server);
      return server.interfaces;
    };
    const toolstack = used("toolstack");
    expect(toolstack.entries().filter((e) => e.calls > 0).map((e) => `${e.component}/${e.role}=${e.calls}`)).toEqual([
      "xenstored/ring mapping=1", "xenstored/event channels=1", "toolstack/event channels=1",
      "toolstack/domain state=2", "toolstack/death notice=1",
    ]);
    expect(toolstack.stableOnly()).toBe(true);
    expect(used("new").entries().find((e) => e.component === "xenstored" && e.role === "domain state")?.calls).toBe(2);
    expect(used("legacy").report()).toContain("unstable interfaces needed by: xenstored, listeners");
    expect(toolstack.report()).toContain("unstable interfaces needed by: nobody");
  });
});

describe("the toolstack design over the socket", () => {
  it("xenmm xenstored --design toolstack: Debian's xenstore-watch sees the death, not the shutdown", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ts-"));
    const sock = join(dir, "xs.sock");
    const server = spawn(process.execPath, [CLI, "xenstored", "--socket", sock, "--design", "toolstack"]);
    let log = "";
    server.stderr.on("data", (d) => { log += d; });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      while (!log.includes("listening on")) await sleep(20);
      const ctl = (...args: string[]) => xenmm("xenstored", "ctl", "--socket", sock, ...args);
      expect((await ctl("create", "4")).code).toBe(0);
      const watch = spawn("xenstore-watch", ["-n", "2", "@releaseDomain"], { env: { ...process.env, XENSTORED_PATH: sock } });
      let out = "";
      watch.stdout.on("data", (d) => { out += d; });
      const exited = new Promise<number>((r) => watch.on("exit", (code) => r(code ?? -1)));
      while (!out.includes("\n")) await sleep(20);
      expect((await ctl("shutdown", "4")).code).toBe(0);
      await sleep(100);
      expect(out).toBe("@releaseDomain\n"); // a shutdown is the toolstack's own business
      expect((await ctl("destroy", "4")).code).toBe(0);
      expect(await exited).toBe(0);
      expect(out).toBe("@releaseDomain\n@releaseDomain\n");
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
