/**
 * Black-box scenarios after xapi-project/oxenstored tests/unit_tests.ml
 * (docs/notes/xenstore.md §11), answered the C xenstored way where the two servers differ (§10).
 * Guests are unprivileged in-process connections speaking the wire protocol.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { XsReplyError, type XsClient } from "../../src/xenstore/client.js";
import { text } from "../../src/xenstore/codec.js";
import { Hypervisor } from "../../src/xenstore/hypervisor.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { XenstoreServer } from "../../src/xenstore/server.js";

let server: XenstoreServer;
let hv: Hypervisor;
let dom0: XsClient;
const guest = (domid: number) => connectInProcess(server, { domid, privileged: false }).client;

beforeEach(() => {
  hv = new Hypervisor();
  server = new XenstoreServer({ hypervisor: hv, design: "new" });
  dom0 = connectInProcess(server).client;
});

/** The error string a request fails with, or "OK:<reply>" when it succeeds. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return `OK:${String(await p).replace(/\0/g, "|")}`;
  } catch (e) {
    if (e instanceof XsReplyError) return e.errno;
    throw e;
  }
}
const events = (c: XsClient) => c.events.map((m) => text(m.payload).replace(/\0/g, "|"));
const setPerms = (c: XsClient, path: string, ...perms: string[]) => c.call(MsgType.SET_PERMS, [path, ...perms]);
const getPerms = (c: XsClient, path: string) => c.call(MsgType.GET_PERMS, [path]);
/** A guest home as libxl makes it: owned by dom0, readable by the guest. */
async function home(domid: number, letter = "r"): Promise<void> {
  await dom0.write(`/local/domain/${domid}`, "");
  await setPerms(dom0, `/local/domain/${domid}`, "n0", `${letter}${domid}`);
}

describe("nodes and permissions", () => {
  it("implicit parent creation; guests get EACCES outside what they may write", async () => {
    const g = guest(5);
    await home(5);
    expect(await outcome(g.write("/local/domain/5/y", "1"))).toBe("EACCES"); // n0 r5: read only
    await setPerms(dom0, "/local/domain/5", "n0", "b5");
    expect(await outcome(g.write("/local/domain/5/a/b/c", "1"))).toBe("OK:OK|");
    expect(await getPerms(dom0, "/local/domain/5/a")).toBe("n5\0b5\0"); // creator owns, rest inherited
    expect(await outcome(g.write("/tool/x", "1"))).toBe("EACCES");
    expect(await outcome(g.write("/brand/new", "1"))).toBe("EACCES");
  });

  it("relative paths of a guest resolve under its home", async () => {
    const g = guest(5);
    await home(5, "b");
    await g.write("data/x", "v");
    expect(await dom0.read("/local/domain/5/data/x")).toBe("v");
    expect(await g.read("data/x")).toBe("v");
  });

  it("getperms/setperms round trip; only dom0 may change the owner (XSA-115 → EPERM)", async () => {
    const g = guest(5);
    await home(5, "b");
    await g.write("/local/domain/5/k", "");
    expect(await outcome(setPerms(g, "/local/domain/5/k", "n5", "r7"))).toBe("OK:OK|");
    expect(await getPerms(g, "/local/domain/5/k")).toBe("n5\0r7\0");
    expect(await outcome(setPerms(g, "/local/domain/5/k", "n7"))).toBe("EPERM");
    expect(await outcome(setPerms(dom0, "/local/domain/5/k", "n7"))).toBe("OK:OK|");
    expect(await outcome(setPerms(g, "/local/domain/5/k", "n5"))).toBe("EACCES"); // no longer owner
  });

  it("information hiding: missing node under an unreadable parent is EACCES, else ENOENT", async () => {
    const g = guest(5);
    await dom0.write("/secret/a", "1");
    expect(await outcome(g.read("/secret/missing"))).toBe("EACCES");
    expect(await outcome(g.read("/secret/a"))).toBe("EACCES");
    await home(5);
    expect(await outcome(g.read("/local/domain/5/missing"))).toBe("ENOENT");
  });

  it("empty values and rm of missing node / missing parent", async () => {
    await dom0.write("/e", "");
    expect(await dom0.read("/e")).toBe("");
    expect(await outcome(dom0.rm("/e/none"))).toBe("OK:OK|");
    expect(await outcome(dom0.rm("/none/none"))).toBe("ENOENT");
  });

  it("SET_TARGET lets a device model act as its target domain", async () => {
    for (const d of [5, 6]) await dom0.call(MsgType.INTRODUCE, [`${d}`, "1", "3"]);
    await dom0.write("/local/domain/5/dm", "");
    await setPerms(dom0, "/local/domain/5/dm", "n5");
    const dm = guest(6);
    expect(await outcome(dm.read("/local/domain/5/dm"))).toBe("EACCES");
    await dom0.call(MsgType.SET_TARGET, ["6", "5"]);
    expect(await outcome(dm.read("/local/domain/5/dm"))).toBe("OK:");
    expect(await outcome(dm.write("/local/domain/5/dm", "x"))).toBe("OK:OK|");
  });

  it("permission matrix: every letter for owner, listed and other domains", async () => {
    const doms = { owner: guest(5), listed: guest(6), other: guest(7) };
    const cases: Array<[string, Record<keyof typeof doms, [string, string]>]> = [
      // perms, then per domain: [read outcome, write outcome]
      ["n5 r6", { owner: ["OK:v", "OK:OK|"], listed: ["OK:v", "EACCES"], other: ["EACCES", "EACCES"] }],
      ["n5 w6", { owner: ["OK:v", "OK:OK|"], listed: ["EACCES", "OK:OK|"], other: ["EACCES", "EACCES"] }],
      ["n5 b6", { owner: ["OK:v", "OK:OK|"], listed: ["OK:v", "OK:OK|"], other: ["EACCES", "EACCES"] }],
      ["n5 n6", { owner: ["OK:v", "OK:OK|"], listed: ["EACCES", "EACCES"], other: ["EACCES", "EACCES"] }],
      ["r5 n6", { owner: ["OK:v", "OK:OK|"], listed: ["EACCES", "EACCES"], other: ["OK:v", "EACCES"] }],
      ["w5", { owner: ["OK:v", "OK:OK|"], listed: ["EACCES", "OK:OK|"], other: ["EACCES", "OK:OK|"] }],
      ["b5 n7", { owner: ["OK:v", "OK:OK|"], listed: ["OK:v", "OK:OK|"], other: ["EACCES", "EACCES"] }],
      ["n5 r32757", { owner: ["OK:v", "OK:OK|"], listed: ["OK:v", "EACCES"], other: ["OK:v", "EACCES"] }], // DOMID_ANY
    ];
    await dom0.write("/m", "");
    await setPerms(dom0, "/m", "b0");
    for (const [perms, expected] of cases) {
      await dom0.write("/m/node", "v");
      await setPerms(dom0, "/m/node", ...perms.split(" "));
      for (const [who, [r, w]] of Object.entries(expected)) {
        const c = doms[who as keyof typeof doms];
        expect(`${perms} ${who} read ${await outcome(c.read("/m/node"))}`).toBe(`${perms} ${who} read ${r}`);
        expect(`${perms} ${who} write ${await outcome(c.write("/m/node", "v"))}`).toBe(`${perms} ${who} write ${w}`);
      }
    }
  });
});

describe("transactions", () => {
  it("mkdir inside a transaction is invisible until commit", async () => {
    const other = connectInProcess(server).client;
    const tx = await dom0.start();
    await dom0.call(MsgType.MKDIR, ["/t/dir"], tx);
    expect(await outcome(other.read("/t/dir"))).toBe("ENOENT");
    expect(await outcome(dom0.read("/t/dir", tx))).toBe("OK:");
    await dom0.end(tx);
    expect(await outcome(other.read("/t/dir"))).toBe("OK:");
  });

  it("independent transactions both commit; real conflicts get EAGAIN (C's matrix)", async () => {
    const a = connectInProcess(server).client;
    const b = connectInProcess(server).client;
    await dom0.write("/c/x", "0");
    await dom0.write("/c/y", "0");
    await dom0.write("/d", "");
    const scenario = async (body: (ta: number) => Promise<void>, outside: () => Promise<unknown>) => {
      const ta = await a.start();
      await body(ta);
      await outside();
      return outcome(a.end(ta));
    };
    // independent: different nodes
    expect(await scenario((t) => a.write("/c/x", "1", t).then(() => {}), () => b.write("/c/y", "1"))).toBe("OK:OK|");
    // read A, outside writes A, tx writes B
    expect(await scenario(async (t) => { await a.read("/c/x", t); await a.write("/c/z", "1", t); }, () => b.write("/c/x", "2"))).toBe("EAGAIN");
    // read-only tx of a missing node that gets created
    expect(await scenario(async (t) => { await outcome(a.read("/c/missing", t)); }, () => b.write("/c/missing", "1"))).toBe("EAGAIN");
    // blind write vs outside write of the same node, even with an identical value
    expect(await scenario((t) => a.write("/c/y", "same", t).then(() => {}), () => b.write("/c/y", "same"))).toBe("EAGAIN");
    // sibling creation: both touch the parent's child list (device-creation pattern)
    expect(await scenario((t) => a.write("/d/new1", "", t).then(() => {}), () => b.write("/d/new2", ""))).toBe("EAGAIN");
    // read-only DIRECTORY raced by a new child
    expect(await scenario(async (t) => { await a.directory("/d", t); }, () => b.write("/d/new3", ""))).toBe("EAGAIN");
    // unrelated outside write
    expect(await scenario((t) => a.write("/c/x", "9", t).then(() => {}), () => b.write("/elsewhere", ""))).toBe("OK:OK|");
  });

  it("transaction quota: 10 open, the 11th is ENOSPC; dom0 is exempt", async () => {
    const g = guest(5);
    for (let i = 0; i < 10; i++) await g.start();
    expect(await outcome(g.start())).toBe("ENOSPC");
    for (let i = 0; i < 20; i++) await dom0.start();
  });
});

describe("watches", () => {
  it("fire on the path and descendants; not on a failed write", async () => {
    const w = connectInProcess(server).client;
    await w.watch("/a", "tok");
    await dom0.write("/a/b", "1");
    await dom0.write("/ab", "1"); // not a child of /a
    const g = guest(5);
    await outcome(g.write("/a/c", "1")); // EACCES: no event
    expect(events(w)).toEqual(["/a|tok|", "/a/b|tok|"]);
  });

  it("read-permission filtering: a guest sees only what it may read", async () => {
    const g = guest(5);
    await home(5);
    await g.watch("/local/domain/5", "mine");
    await g.watch("/tool", "tool");
    await dom0.write("/local/domain/5/visible", "1");
    await setPerms(dom0, "/local/domain/5/visible", "n0");
    await dom0.write("/tool/hidden", "1");
    expect(events(g)).toEqual([
      "/local/domain/5|mine|", "/tool|tool|",
      "/local/domain/5/visible|mine|",
      "/local/domain/5/visible|mine|", // set_perms: parent still readable
    ]);
  });

  it("transaction events only on commit, queued before the END reply; none on abort", async () => {
    const w = connectInProcess(server).client;
    await w.watch("/tx", "t");
    const tx = await dom0.start();
    await dom0.write("/tx/a", "1", tx);
    await dom0.write("/tx/b", "1", tx);
    expect(events(w)).toEqual(["/tx|t|"]);
    dom0.trace = [];
    await dom0.watch("/tx/a", "self");
    const tx2 = await dom0.start();
    await dom0.write("/tx/a", "2", tx2);
    await dom0.end(tx2, false);
    await dom0.end(tx);
    expect(events(w)).toEqual(["/tx|t|", "/tx/a|t|", "/tx/b|t|"]);
    // dom0 watching /tx/a got the commit's event before its END reply
    expect(dom0.trace.map((m) => m.type)).toEqual([
      MsgType.WATCH, MsgType.WATCH_EVENT, MsgType.TRANSACTION_START, MsgType.WRITE, MsgType.TRANSACTION_END,
      MsgType.WATCH_EVENT, MsgType.TRANSACTION_END,
    ]);
  });

  it("recursive rm: the node fires ancestors' watches, descendants only exact watches", async () => {
    const w = connectInProcess(server).client;
    await dom0.write("/r/a/b/c", "1");
    await w.watch("/", "root");
    await w.watch("/r/a/b", "exact");
    await w.watch("/r/a/b/c", "leaf");
    await dom0.rm("/r/a");
    // C's order: the walk deletes (and fires) deepest first, the removed node last.
    expect(events(w).slice(3)).toEqual(["/r/a/b/c|leaf|", "/r/a/b|exact|", "/r/a|root|"]);
  });

  it("special watches: @introduceDomain/@releaseDomain, depth 1 and per-domid forms", async () => {
    const w = connectInProcess(server).client;
    await w.watch("@introduceDomain", "in");
    await w.call(MsgType.WATCH, ["@releaseDomain", "d1", "1"]);
    await w.watch("@releaseDomain/6", "six");
    await w.watch("@releaseDomain", "plain");
    await w.watch("/", "root"); // does not see special events
    hv.create(5);
    hv.create(6);
    await dom0.call(MsgType.INTRODUCE, ["5", "1", "3"]);
    await dom0.call(MsgType.INTRODUCE, ["6", "1", "3"]);
    const before = w.events.length;
    hv.shutdown(5);
    hv.shutdown(6);
    hv.shutdown(6); // already announced: edge-triggered, nothing new
    await dom0.read("/"); // let the events arrive
    expect(events(w).slice(before)).toEqual([
      "@releaseDomain/5|d1|", "@releaseDomain|plain|",
      "@releaseDomain/6|d1|", "@releaseDomain/6|six|", "@releaseDomain|plain|",
    ]);
    expect(events(w).slice(5, before)).toEqual(["@introduceDomain|in|", "@introduceDomain|in|"]);
  });

  it("several domains dying in one scan give one plain @releaseDomain", async () => {
    const w = connectInProcess(server).client;
    await w.watch("@releaseDomain", "plain");
    for (const d of [5, 6, 7]) {
      hv.create(d);
      await dom0.call(MsgType.INTRODUCE, [`${d}`, "1", "3"]);
    }
    while (hv.pollChangedDomain()) { /* drain */ }
    // Three domains die before xenstored handles the VIRQ: one scan.
    const handler = hv.onVirqDomExc!;
    hv.onVirqDomExc = undefined;
    for (const d of [5, 6, 7]) hv.destroy(d);
    hv.onVirqDomExc = handler;
    handler();
    await dom0.read("/");
    expect(events(w)).toEqual(["@releaseDomain|plain|", "@releaseDomain|plain|"]);
    for (const d of [5, 6, 7]) expect(await dom0.call(MsgType.IS_DOMAIN_INTRODUCED, [`${d}`])).toBe("F\0");
  });

  it("domain death deletes the nodes it owns, with watch events", async () => {
    const w = connectInProcess(server).client;
    hv.create(5);
    await dom0.call(MsgType.INTRODUCE, ["5", "1", "3"]);
    await dom0.write("/local/domain/5/x", "1");
    await setPerms(dom0, "/local/domain/5", "n5");
    await w.watch("/local/domain/5", "home");
    hv.destroy(5);
    await dom0.read("/");
    expect(events(w)).toEqual(["/local/domain/5|home|", "/local/domain/5|home|"]);
    expect(await outcome(dom0.read("/local/domain/5"))).toBe("ENOENT");
  });
});

describe("domain teardown", () => {
  it("RELEASE drops permission entries naming the dead domain (Xen 4.22)", async () => {
    await dom0.call(MsgType.INTRODUCE, ["6", "1", "3"]);
    await dom0.write("/shared", "");
    await setPerms(dom0, "/shared", "n0", "r5", "b6");
    await dom0.call(MsgType.RELEASE, ["6"]);
    expect(await getPerms(dom0, "/shared")).toBe("n0\0r5\0");
  });

  it("a guest's RM of a missing node: EACCES where hidden, OK under a readable parent", async () => {
    const g = guest(5);
    await dom0.write("/hidden/x", "");
    expect(await outcome(g.rm("/hidden/none"))).toBe("EACCES");
    await home(5);
    expect(await outcome(g.rm("/local/domain/5/none"))).toBe("OK:OK|");
    expect(await outcome(g.rm("/local/domain/5/none/deeper"))).toBe("ENOENT");
  });
});

describe("quotas", () => {
  it("node size: 2000-byte value OK, 2100 ENOSPC; 425th child of a 2-perm node fails", async () => {
    const g = guest(5);
    await home(5, "b");
    expect(await outcome(g.write("/local/domain/5/v", "x".repeat(2000)))).toBe("OK:OK|");
    expect(await outcome(g.write("/local/domain/5/v", "x".repeat(2100)))).toBe("ENOSPC");
    await dom0.write("/local/domain/5/kids", "");
    await setPerms(dom0, "/local/domain/5/kids", "n5", "b5");
    let failedAt = -1;
    for (let i = 0; i < 500; i++) {
      if ((await outcome(g.write(`/local/domain/5/kids/n${i}`, ""))) !== "OK:OK|") { failedAt = i; break; }
    }
    expect(failedAt).toBe(424);
  });

  it("nodes quota counts nodes the domain owns, including inside transactions", async () => {
    const g = guest(5);
    await home(5, "b");
    await dom0.call(MsgType.INTRODUCE, ["5", "1", "3"]);
    await dom0.call(MsgType.SET_QUOTA, ["5", "nodes", "3"]);
    await g.write("/local/domain/5/a", "");
    await g.write("/local/domain/5/b", "");
    const tx = await g.start();
    await g.write("/local/domain/5/c", "", tx);
    expect(await outcome(g.write("/local/domain/5/d", "", tx))).toBe("ENOSPC");
    await g.end(tx);
    expect(await outcome(g.write("/local/domain/5/e", ""))).toBe("ENOSPC");
    const other = guest(6);
    await home(6, "b");
    expect(await outcome(other.write("/local/domain/6/a", ""))).toBe("OK:OK|"); // dom6 unaffected
  });

  it("watch quota and permissions-count quota", async () => {
    const g = guest(5);
    await home(5, "b");
    await dom0.call(MsgType.SET_QUOTA, ["watches", "2"]);
    await g.watch("a", "1");
    await g.watch("b", "1");
    expect(await outcome(g.watch("c", "1"))).toBe("ENOSPC");
    await g.write("/local/domain/5/p", "");
    expect(await outcome(setPerms(g, "/local/domain/5/p", "n5", "r1", "r2", "r3", "r4", "r6"))).toBe("ENOSPC");
    expect(await outcome(setPerms(g, "/local/domain/5/p", "n5", "r1", "r2", "r3", "r4"))).toBe("OK:OK|");
  });
});
