/**
 * Guests and clients that try to grow the server (issue 11 §3): a guest that waits for
 * watch events without sending anything, a guest that stops reading while another makes
 * it a flood of events, over-long events, a guest that moves rsp_cons past rsp_prod, and
 * a socket client that never reads its replies or its watch events.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { MessageFramer, encodeMessage, joinStrings, text } from "../../src/xenstore/codec.js";
import { OUTPUT_LIMIT_BYTES } from "../../src/xenstore/socket-transport.js";
import { connectInProcess } from "../../src/xenstore/inprocess-transport.js";
import { EventChannel, RSP_CONS, RSP_PROD, RingError, RingPage } from "../../src/xenstore/ring.js";
import { RingGuest } from "../../src/xenstore/ring-guest.js";
import { RingTransport } from "../../src/xenstore/ring-transport.js";
import { XenstoreServer, type ServerOptions } from "../../src/xenstore/server.js";
import type { XsClient } from "../../src/xenstore/client.js";
import "../support/system-tools.js";
import { startServer, tool } from "./helpers.js";

let server: XenstoreServer;
let rings: RingTransport;
let dom0: XsClient;
const guests: RingGuest[] = [];
const logs: string[] = [];

function setup(options: ServerOptions = {}) {
  server = new XenstoreServer({ ...options, log: (level, line) => logs.push(`${level}: ${line}`) });
  rings = new RingTransport(server);
  dom0 = connectInProcess(server).client;
}
beforeEach(() => {
  logs.length = 0;
  setup();
});
afterEach(async () => {
  await Promise.all(guests.splice(0).map((g) => g.close()));
  rings.close();
});

/** Builds domain `domid` (home readable and writable by it) and returns its ring. */
async function buildDomain(domid: number) {
  const ring = { page: RingPage.allocate(), evtchn: new EventChannel() };
  rings.seed(domid, BigInt(domid), ring);
  await dom0.write(`/local/domain/${domid}`, "");
  await dom0.call(MsgType.SET_PERMS, [`/local/domain/${domid}`, `n${domid}`]);
  await dom0.call(MsgType.INTRODUCE, [`${domid}`, `${domid}`, "7"]);
  return ring;
}

function guestOn(ring: { page: RingPage; evtchn: EventChannel }): RingGuest {
  const g = new RingGuest(ring.page, ring.evtchn);
  guests.push(g);
  return g;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the value, or with "timed out" after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "timed out"> {
  return Promise.race([p, sleep(ms).then(() => "timed out" as const)]);
}

/**
 * Guest 5 registers `watches` watches with 1000-byte tokens on guest 6's `data` and
 * then stops reading; returns guest 6's client.
 */
async function floodSetup(watches: number) {
  const r5 = await buildDomain(5);
  const r6 = await buildDomain(6);
  await dom0.write("/local/domain/6/data", "");
  await dom0.call(MsgType.SET_PERMS, ["/local/domain/6/data", "n6", "r5"]);
  const g5 = guestOn(r5);
  for (let i = 0; i < watches; i++) await g5.client.watch("/local/domain/6/data", `${i}`.padStart(1000, "t"));
  await g5.close(); // stops reading: nothing consumes the response ring from now on
  return guestOn(r6).client;
}

describe("watch events reach a waiting ring guest", () => {
  it("an event is written to the ring and notified while the guest sends nothing", async () => {
    const g = guestOn(await buildDomain(5));
    await g.client.watch("/local/domain/5/w", "tok");
    await g.client.waitForEvents(1);
    await sleep(30); // the guest is idle now, blocked waiting for the next event
    await dom0.write("/local/domain/5/w", "1");
    await dom0.write("/local/domain/5/w/x", "2");
    const got = await within(g.client.waitForEvents(3), 2000);
    expect(got).not.toBe("timed out");
    expect(g.client.events.map((m) => text(m.payload))).toEqual([
      "/local/domain/5/w\0tok\0", "/local/domain/5/w\0tok\0", "/local/domain/5/w/x\0tok\0",
    ]);
  });

  it("events larger than the free ring space arrive whole and in order as the guest reads", async () => {
    const g = guestOn(await buildDomain(5));
    const token = "k".repeat(900); // each event ≈ 925 bytes: less than one fits behind another
    await g.client.watch("/local/domain/5/w", token);
    await g.client.waitForEvents(1);
    await sleep(20);
    for (let i = 0; i < 6; i++) await dom0.write(`/local/domain/5/w/${i}`, "v");
    expect(await within(g.client.waitForEvents(7), 2000)).not.toBe("timed out");
    expect(g.client.events.slice(1).map((m) => text(m.payload).split("\0")[0])).toEqual(
      Array.from({ length: 6 }, (_, i) => `/local/domain/5/w/${i}`));
  });
});

describe("a guest that stops reading while another floods it with events", () => {
  it("identical pending events are dropped and counted; memory stays put", async () => {
    const g6 = await floodSetup(128);
    for (let i = 0; i < 2000; i++) await g6.write("data", `${i}`);
    // The first write queues one event per watch; the 1999 later ones are all duplicates.
    expect(server.drops.duplicate).toBe(1999 * 128);
    const conn5 = [...server.connections].find((c) => c.domid === 5)!;
    expect(conn5.output!.length).toBe(128);
    // Watches (path + token) and the 128 queued events (header + payload): nothing more.
    expect(server.memory.of(5)).toBe(128 * (20 + 1000) + 128 * (16 + 21 + 1001));
  });

  it("distinct events stop at the hard memory quota; the soft quota warns once", async () => {
    const g6 = await floodSetup(128);
    for (let i = 0; i < 40; i++) await g6.write(`data/${i}`, "x");
    const hard = server.quotas.get("memory");
    expect(server.memory.of(5)).toBeLessThan(hard);
    expect(server.memory.of(5)).toBeGreaterThan(hard - 1100); // full up to less than one event
    const queued = [...server.connections].find((c) => c.domid === 5)!.output!.length;
    expect(server.drops.memory).toBe(40 * 128 - queued);
    expect(server.drops.memory).toBeGreaterThan(2000);
    expect(logs.filter((l) => l.includes("dom5 exceeds soft memory quota"))).toHaveLength(1);
    expect(logs.filter((l) => l.startsWith("error: dom5 exceeds hard memory quota"))).toHaveLength(1);
    // A new watch would need memory the domain does not have.
    const conn5 = [...server.connections].find((c) => c.domid === 5)!;
    server.handle(conn5, { type: MsgType.WATCH, reqId: 9, txId: 0, payload: joinStrings(["/local/domain/6/data", "one-more"]) });
    expect(server.drops.memory).toBe(40 * 128 - queued);
    expect(conn5.watches).toHaveLength(128); // refused (ENOMEM): the reply waits in the queue
    expect(conn5.output!.length).toBe(queued + 1);
    // Once guest 5 is released, its memory is forgotten.
    await dom0.call(MsgType.RELEASE, ["5"]);
    expect(server.memory.of(5)).toBe(0);
  });

  it("events pending longer than the timeout are dropped and their memory returned", async () => {
    setup({ watchEventTimeoutMs: 40 });
    const g6 = await floodSetup(4);
    const before = server.memory.of(5);
    for (let i = 0; i < 10; i++) await g6.write(`data/${i}`, "x");
    expect(server.memory.of(5)).toBeGreaterThan(before);
    const conn5 = [...server.connections].find((c) => c.domid === 5)!;
    for (let i = 0; i < 200 && conn5.output!.length > 1; i++) await sleep(10);
    // The head event is partly in the ring and stays (C); all others expired.
    expect(conn5.output!.length).toBe(1);
    expect(server.drops.timeout).toBe(10 * 4 - 1);
  });

  it("RESET of the ring (guest reconnect) returns all of the domain's memory", async () => {
    const r5 = await buildDomain(5);
    const g5 = guestOn(r5);
    await g5.client.watch("/local/domain/5/a", "t".repeat(500));
    await g5.close();
    for (let i = 0; i < 5; i++) await dom0.write(`/local/domain/5/a/${i}`, "x");
    expect(server.memory.of(5)).toBeGreaterThan(1000);
    r5.page.connection = 1; // XENSTORE_RECONNECT
    r5.evtchn.notify(EventChannel.TO_SERVER);
    await sleep(30);
    expect(r5.page.connection).toBe(0);
    expect(server.memory.of(5)).toBe(0);
  });
});

describe("the guest that causes the events is held back (C's outstanding quota)", () => {
  it("its requests stay outstanding while their events wait unread; reading resumes when they are read", async () => {
    const r5 = await buildDomain(5);
    await buildDomain(6).then((r6) => guests.push(new RingGuest(r6.page, r6.evtchn)));
    const g6 = guests.at(-1)!;
    await dom0.write("/local/domain/6/data", "");
    await dom0.call(MsgType.SET_PERMS, ["/local/domain/6/data", "n6", "r5"]);
    const g5 = new RingGuest(r5.page, r5.evtchn);
    await g5.client.watch("/local/domain/6/data", "t");
    await g5.close(); // stops reading
    let done = 0;
    const writes = Array.from({ length: 80 }, (_, i) => g6.client.write(`data/${i}`, "x").then(() => done++));
    // ~24 events fit in guest 5's ring; 20 more wait, one per write: then guest 6 is not read.
    for (let i = 0; i < 200 && server.causedEvents.of(6) < 20; i++) await sleep(10);
    const held = done;
    await sleep(50);
    expect(done).toBe(held);
    expect(done).toBeLessThan(50);
    expect(server.causedEvents.of(6)).toBe(20);
    guestOn(r5); // guest 5 reads again: its events drain, guest 6's writes go through
    await Promise.all(writes);
    expect(done).toBe(80);
    for (let i = 0; i < 100 && server.causedEvents.of(6) > 0; i++) await sleep(10); // guest 5 reads the last ones
    expect(server.causedEvents.of(6)).toBe(0);
  });
});

describe("over-long watch events are dropped", () => {
  it("a 4000-byte token plus a 3003-byte path is never sent, and is counted", async () => {
    const c = connectInProcess(server).client;
    await c.watch("/w", "t".repeat(4000));
    const long = `/w/${"p".repeat(3000)}`;
    await dom0.write(long, "1");
    await dom0.write("/w/short", "1");
    await c.waitForEvents(2);
    await sleep(10);
    expect(c.events.map((m) => text(m.payload).split("\0")[0])).toEqual(["/w", "/w/short"]);
    expect(server.drops.overlong).toBe(1);
  });

  it("Debian's xenstore-watch keeps running past an event that would be over 4096 bytes", async () => {
    const xs = await startServer();
    try {
      const dir = `/${"d".repeat(2000)}`; // xenstore-watch uses the path as the token
      await tool(xs.path, "xenstore-write", dir, "");
      const child = spawn("xenstore-watch", ["-n", "2", dir], { env: { ...process.env, XENSTORED_PATH: xs.path } });
      let out = "";
      child.stdout.on("data", (d) => { out += d; });
      const done = new Promise<number>((r) => child.on("exit", (code) => r(code ?? -1)));
      while (!out.includes("\n")) await sleep(20);
      await tool(xs.path, "xenstore-write", `${dir}/${"x".repeat(1000)}`, "1"); // event: 3002 + 2002 bytes
      await tool(xs.path, "xenstore-write", `${dir}/y`, "1");
      expect(await within(done, 5000)).toBe(0);
      expect(out).toBe(`${dir}\n${dir}/y\n`);
      expect(xs.server.drops.overlong).toBe(1);
    } finally {
      await xs.stop();
    }
  });
});

describe("ring index checks", () => {
  it("rsp_cons moved past rsp_prod is a ring error (RINGIDX) and the ring is ignored", async () => {
    const ring = await buildDomain(5);
    const g = guestOn(ring);
    await g.client.write("x", "1");
    await g.close();
    const words = new Int32Array(ring.page.buffer);
    Atomics.store(words, RSP_CONS / 4, Atomics.load(words, RSP_PROD / 4) + 5);
    const seen = ring.evtchn.seen(EventChannel.TO_GUEST);
    ring.evtchn.notify(EventChannel.TO_SERVER);
    await ring.evtchn.wait(EventChannel.TO_GUEST, seen, 2000);
    expect(ring.page.error).toBe(RingError.RINGIDX);
    expect([...server.connections].some((c) => c.domid === 5)).toBe(false);
  });
});

describe("a socket client that never reads its replies", () => {
  it("reading stops once its unsent replies pass the bound, and resumes when it reads", async () => {
    const xs = await startServer();
    try {
      const c = await xs.connect();
      await c.client.write("/big", "v".repeat(4000));
      const raw = connect(xs.path);
      await new Promise((r) => raw.once("connect", r));
      raw.pause(); // never read
      const read = encodeMessage({ type: MsgType.READ, reqId: 0, txId: 0, payload: joinStrings(["/big"]) });
      const burst = new Uint8Array(read.length * 20_000); // 20,000 reads: 80 MB of replies
      for (let i = 0; i < 20_000; i++) burst.set(read, i * read.length);
      raw.write(burst);
      const handled = async () => {
        let last = -1;
        while (xs.server.stats.requests !== last) {
          last = xs.server.stats.requests;
          await sleep(100);
        }
        return last;
      };
      const stalled = await handled();
      // 1 MiB of unsent replies plus what the kernel's socket buffers hold.
      expect((stalled - 1) * 4016).toBeLessThan(6 * 1024 * 1024);
      expect(stalled).toBeLessThan(20_000);
      raw.resume(); // now it reads: everything gets answered
      raw.on("data", () => {});
      while (xs.server.stats.requests < 20_001) await sleep(20);
      raw.destroy();
      while (xs.transport.peers > 1) await sleep(10);
      expect(xs.server.connections.size).toBe(1);
    } finally {
      await xs.stop();
    }
  });
});

describe("a socket watcher that never reads its events", () => {
  it("identical waiting events merge, distinct ones stop at the bound, and every event is delivered or counted", async () => {
    const xs = await startServer();
    try {
      const writer = (await xs.connect()).client;
      await writer.write("/w", "");
      const raw = connect(xs.path);
      await new Promise((r) => raw.once("connect", r));
      const token = "t".repeat(1000); // ~1 KiB per event: the 1 MiB bound holds about a thousand
      raw.write(encodeMessage({ type: MsgType.WATCH, reqId: 1, txId: 0, payload: joinStrings(["/w", token]) }));
      const framer = new MessageFramer();
      const received: string[] = [];
      const onData = (chunk: Buffer) => {
        for (const m of framer.push(new Uint8Array(chunk)).messages)
          if (m.type === MsgType.WATCH_EVENT) received.push(text(m.payload).split("\0")[0]!);
      };
      raw.on("data", onData);
      while (received.length < 1) await sleep(5); // the watch's first event: registered
      raw.pause(); // stops reading
      const same = 20_000;
      const distinct = 5_000;
      for (let i = 0; i < same; i++) await writer.write("/w", String(i));
      for (let i = 0; i < distinct; i++) await writer.write(`/w/c${i}`, "");
      const conn = [...xs.server.connections].find((c) => c.watches.length === 1)!;
      expect(conn.output!.bytes).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
      expect(xs.server.drops.duplicate).toBeGreaterThan(0);
      expect(xs.server.drops.backlog).toBeGreaterThan(0);
      raw.resume(); // reads again: what waited arrives, in order
      const fired = 1 + same + distinct;
      const deadline = Date.now() + 10_000;
      while (received.length + xs.server.drops.duplicate + xs.server.drops.backlog < fired && Date.now() < deadline) await sleep(20);
      expect(received.length + xs.server.drops.duplicate + xs.server.drops.backlog).toBe(fired);
      const children = received.filter((p) => p !== "/w").map((p) => Number(p.slice("/w/c".length)));
      expect(children).toEqual([...children].sort((a, b) => a - b));
      raw.destroy();
    } finally {
      await xs.stop();
    }
  });
});
