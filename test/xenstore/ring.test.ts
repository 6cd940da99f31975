/**
 * The xenstore_domain_interface ring: layout, a guest in the same thread and a guest in
 * a worker thread (compiled JS from dist/), grant-1 vs gfn mapping, and C xenstored's
 * reaction to a bad length (error field 3, connection ignored).
 */
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MsgType, SERVER_FEATURES } from "../../src/xenstore/constants.js";
import { text } from "../../src/xenstore/codec.js";
import {
  CONNECTION_OFFSET, ERROR_OFFSET, EVTCHN_PORT_OFFSET, EventChannel, REQ_CONS, RSP_PROD, RingError, RingPage,
  SERVER_FEATURES_OFFSET,
} from "../../src/xenstore/ring.js";
import { RingGuest } from "../../src/xenstore/ring-guest.js";
import { RingTransport } from "../../src/xenstore/ring-transport.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { XenstoreServer } from "../../src/xenstore/server.js";
import type { XsClient } from "../../src/xenstore/client.js";

let server: XenstoreServer;
let rings: RingTransport;
let dom0: XsClient;
const guests: RingGuest[] = [];

function setup(design: "legacy" | "new") {
  server = new XenstoreServer({ design });
  rings = new RingTransport(server);
  dom0 = connectInProcess(server).client;
}
beforeEach(() => setup("new"));
afterEach(async () => {
  await Promise.all(guests.splice(0).map((g) => g.close()));
  rings.close();
});

/** Builds a domain: seeds its page, writes its home, introduces it. */
async function buildDomain(domid: number, gfn = 0x1000n + BigInt(domid)) {
  const ring = { page: RingPage.allocate(), evtchn: new EventChannel() };
  rings.seed(domid, gfn, ring);
  await dom0.write(`/local/domain/${domid}`, "");
  await dom0.call(MsgType.SET_PERMS, [`/local/domain/${domid}`, "n0", `b${domid}`]);
  await dom0.call(MsgType.INTRODUCE, [`${domid}`, `${gfn}`, "7"]);
  return ring;
}

describe("ring layout", () => {
  it("field offsets of struct xenstore_domain_interface", () => {
    expect([REQ_CONS, RSP_PROD, SERVER_FEATURES_OFFSET, CONNECTION_OFFSET, ERROR_OFFSET, EVTCHN_PORT_OFFSET])
      .toEqual([2048, 2060, 2064, 2068, 2072, 2076]);
  });

  it("free-running indexes wrap modulo 1024 and survive u32 overflow", () => {
    const page = RingPage.allocate();
    const words = new Int32Array(page.buffer);
    words[REQ_CONS / 4] = -3; // 0xfffffffd
    words[REQ_CONS / 4 + 1] = -3;
    const data = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
    expect(page.req.write(data)).toBe(10);
    expect(words[REQ_CONS / 4 + 1]).toBe(7);
    expect(Array.from(page.req.read())).toEqual(Array.from(data));
    expect(page.req.write(new Uint8Array(2000))).toBe(1024);
    expect(page.req.write(new Uint8Array(1))).toBe(0);
  });
});

describe("guests over the ring", () => {
  it("a guest in this thread: features, relative paths, permissions, watches", async () => {
    const ring = await buildDomain(5);
    expect(ring.page.serverFeatures).toBe(SERVER_FEATURES);
    const g = new RingGuest(ring.page, ring.evtchn);
    guests.push(g);
    expect(await g.client.write("name", "guest5")).toBe("OK\0");
    expect(await dom0.read("/local/domain/5/name")).toBe("guest5");
    expect(await g.client.call(MsgType.GET_PERMS, ["name"])).toBe("n5\0b5\0");
    await expect(g.client.read("/tool")).rejects.toMatchObject({ errno: "EACCES" });
    await g.client.watch("name", "tok");
    await dom0.write("/local/domain/5/name", "renamed");
    const evs = await g.client.waitForEvents(2);
    expect(evs.map((m) => text(m.payload))).toEqual(["name\0tok\0", "name\0tok\0"]);
    // Replies bigger than the 1024-byte ring arrive in pieces.
    await g.client.write("big", "x".repeat(1900));
    expect(await g.client.read("big")).toBe("x".repeat(1900));
  });

  it("200 pipelined requests through the 1024-byte rings; outstanding quota holds reading back", async () => {
    const ring = await buildDomain(4);
    server.quotas.set("outstanding", 5);
    const g = new RingGuest(ring.page, ring.evtchn);
    guests.push(g);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => g.client.write(`p/${i}`, "v".repeat(i))));
    expect(replies.every((r) => r === "OK\0")).toBe(true);
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => g.client.read(`p/${i}`)));
    expect(all.map((v) => v.length)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("a guest in a worker thread", async () => {
    const ring = await buildDomain(6);
    const worker = new Worker(new URL("../../dist/src/xenstore/ring-guest-worker.js", import.meta.url), {
      workerData: {
        page: ring.page.buffer, evtchn: ring.evtchn.buffer,
        requests: [[MsgType.WRITE, ["from/worker\0hi"]], [MsgType.READ, ["from/worker"]], [MsgType.READ, ["/tool"]],
          [MsgType.INTRODUCE, ["9", "1", "1"]], [MsgType.GET_DOMAIN_PATH, ["6"]]],
      },
    });
    const result = await new Promise<{ outcomes: string[]; features: number }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    // WRITE's payload is "path\0value": the joined form above puts a NUL after "hi" too.
    expect(result.outcomes).toEqual(["OK:OK|", "OK:hi|", "EACCES", "EACCES", "OK:/local/domain/6|"]);
    expect(result.features).toBe(14);
    expect(await dom0.read("/local/domain/6/from/worker")).toBe("hi\0");
  });

  it("a request longer than 4096 bytes sets error = 3 and the ring is ignored", async () => {
    const ring = await buildDomain(7);
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(12, 5000, true);
    ring.page.req.write(header);
    const before = ring.evtchn.seen(EventChannel.TO_GUEST);
    ring.evtchn.notify(EventChannel.TO_SERVER);
    await ring.evtchn.wait(EventChannel.TO_GUEST, before, 2000);
    expect(ring.page.error).toBe(RingError.PROTO);
    expect([...server.connections].some((c) => c.domid === 7)).toBe(false);
  });

  it("RELEASE stops serving the ring and deletes the domain's nodes", async () => {
    const ring = await buildDomain(8);
    const g = new RingGuest(ring.page, ring.evtchn);
    guests.push(g);
    await g.client.write("mine", "1");
    await dom0.call(MsgType.RELEASE, ["8"]);
    await expect(dom0.read("/local/domain/8/mine")).rejects.toMatchObject({ errno: "ENOENT" });
    expect(await dom0.read("/local/domain/8")).toBe(""); // owned by dom0: kept
  });

  it("the legacy design maps the page by gfn, the new one by grant 1", async () => {
    setup("legacy");
    const ring = { page: RingPage.allocate(), evtchn: new EventChannel() };
    rings.seed(9, 0x9999n, ring);
    await dom0.call(MsgType.INTRODUCE, ["9", "1234", "7"]); // wrong gfn: no page there
    expect([...server.connections].some((c) => c.domid === 9)).toBe(false);
    await dom0.call(MsgType.RELEASE, ["9"]);
    await dom0.call(MsgType.INTRODUCE, ["9", `${0x9999}`, "7"]);
    expect([...server.connections].some((c) => c.domid === 9)).toBe(true);
    expect(server.interfaces.stableOnly()).toBe(false);
  });
});
