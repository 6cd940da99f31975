/**
 * Raw-protocol tests over a real unix socket: every message type, payload format and
 * error string of docs/notes/xenstore.md §1.2–§1.6 (C xenstored behaviour).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { bytes, encodeMessage, text, type Message } from "../../src/xenstore/codec.js";
import type { XsClient } from "../../src/xenstore/client.js";
import { startServer, type Running } from "./helpers.js";

let xs: Running;
let c: XsClient;
beforeAll(async () => {
  xs = await startServer();
  c = (await xs.connect()).client;
});
afterAll(async () => { await xs.stop(); });

/** The reply as "TYPE:payload" with NULs shown as '|', e.g. "ERROR:ENOENT|". */
async function ask(type: number, payload: string | Uint8Array, tx = 0, client = c): Promise<string> {
  const m = await client.raw(type, typeof payload === "string" ? bytes(payload) : payload, tx);
  return show(m);
}
function show(m: Message): string {
  const name = m.type === MsgType.ERROR ? "ERROR" : m.type === MsgType.WATCH_EVENT ? "EVENT" : "OK";
  return `${name}:${text(m.payload).replace(/\0/g, "|")}`;
}

describe("READ / WRITE / MKDIR / RM", () => {
  it("READ", async () => {
    expect(await ask(MsgType.READ, "/\0")).toBe("OK:");
    expect(await ask(MsgType.READ, "/missing\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.READ, "@releaseDomain\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "/tool\0extra\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "/nonul")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "/a b\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "/a//b\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "/tool/\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.READ, "\0")).toBe("ERROR:EINVAL|");
  });

  it("WRITE creates parents, keeps NULs in values, stores empty values", async () => {
    expect(await ask(MsgType.WRITE, "/w/x/y\0v\0with\0nuls")).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/w/x/y\0")).toBe("OK:v|with|nuls");
    expect(await ask(MsgType.READ, "/w/x\0")).toBe("OK:");
    expect(await ask(MsgType.WRITE, "/w/empty\0")).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/w/empty\0")).toBe("OK:");
    expect(await ask(MsgType.WRITE, "/w/nonul")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.WRITE, "rel/q\0r")).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/local/domain/0/rel/q\0")).toBe("OK:r");
    expect(await ask(MsgType.WRITE, "/big\0" + "x".repeat(4000))).toBe("OK:OK|"); // dom0 has no node-size quota
  });

  it("MKDIR leaves an existing value alone", async () => {
    await ask(MsgType.WRITE, "/m\0keep");
    expect(await ask(MsgType.MKDIR, "/m\0")).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/m\0")).toBe("OK:keep");
    expect(await ask(MsgType.MKDIR, "/m/n/o\0")).toBe("OK:OK|");
    expect(await ask(MsgType.DIRECTORY, "/m/n\0")).toBe("OK:o|");
  });

  it("RM", async () => {
    await ask(MsgType.WRITE, "/r/a/b\0x");
    expect(await ask(MsgType.RM, "/r/zz\0")).toBe("OK:OK|");
    expect(await ask(MsgType.RM, "/r/zz/yy\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.RM, "/\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.RM, "/r/a\0")).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/r/a/b\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.DIRECTORY, "/r\0")).toBe("OK:");
  });
});

describe("DIRECTORY / DIRECTORY_PART", () => {
  it("lists children in creation order", async () => {
    await ask(MsgType.WRITE, "/dir/b\0");
    await ask(MsgType.WRITE, "/dir/a\0");
    expect(await ask(MsgType.DIRECTORY, "/dir\0")).toBe("OK:b|a|");
    expect(await ask(MsgType.DIRECTORY, "/nodir\0")).toBe("ERROR:ENOENT|");
  });

  it("E2BIG over 4096 bytes; DIRECTORY_PART chunks end with an extra NUL", async () => {
    const names = Array.from({ length: 300 }, (_, i) => `n${String(i).padStart(15, "0")}`); // 17 bytes each
    for (const n of names) await ask(MsgType.WRITE, `/huge/${n}\0`);
    expect(await ask(MsgType.DIRECTORY, "/huge\0")).toBe("ERROR:E2BIG|");
    const gen = (await ask(MsgType.DIRECTORY_PART, "/huge\0" + "0\0")).split("|")[0]!.slice(3);
    expect(gen).toMatch(/^\d+$/);
    let offset = 0;
    const got: string[] = [];
    let calls = 0;
    for (;;) {
      const r = await c.raw(MsgType.DIRECTORY_PART, bytes(`/huge\0${offset}\0`));
      calls++;
      const body = text(r.payload).slice(gen.length + 1);
      expect(r.payload.length).toBeLessThanOrEqual(4096);
      if (body.endsWith("\0\0") || body === "\0") {
        got.push(...body.slice(0, -2).split("\0").filter((s) => s !== ""));
        break;
      }
      got.push(...body.slice(0, -1).split("\0"));
      offset += body.length;
    }
    expect(got).toEqual(names);
    expect(calls).toBe(2); // 5100 bytes of names: one full chunk + the rest
    expect(await ask(MsgType.DIRECTORY_PART, "/huge\0" + "99999\0")).toBe(`OK:${gen}||`);
    expect(await ask(MsgType.DIRECTORY_PART, "/huge\0")).toBe("ERROR:EINVAL|");
  });
});

describe("GET_PERMS / SET_PERMS", () => {
  it("round trip and parse errors", async () => {
    await ask(MsgType.WRITE, "/p\0");
    expect(await ask(MsgType.GET_PERMS, "/p\0")).toBe("OK:n0|");
    expect(await ask(MsgType.SET_PERMS, "/p\0b0\0r3\0w4\0n5\0")).toBe("OK:OK|");
    expect(await ask(MsgType.GET_PERMS, "/p\0")).toBe("OK:b0|r3|w4|n5|");
    expect(await ask(MsgType.SET_PERMS, "/p\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_PERMS, "/p\0x1\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_PERMS, "/p\0r1z\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_PERMS, "/p\0r1")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_PERMS, "/nothere\0n0\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.GET_PERMS, "@releaseDomain\0")).toBe("OK:n0|r32757|");
    expect(await ask(MsgType.GET_PERMS, "@introduceDomain\0")).toBe("OK:n0|");
    // New nodes inherit the parent's perms.
    expect(await ask(MsgType.WRITE, "/p/child\0")).toBe("OK:OK|");
    expect(await ask(MsgType.GET_PERMS, "/p/child\0")).toBe("OK:b0|r3|w4|n5|");
  });
});

describe("WATCH / UNWATCH / RESET_WATCHES", () => {
  it("reply first, then the initial event; reply echoes tx_id; EEXIST; ENOENT", async () => {
    const w = (await xs.connect()).client;
    w.trace = [];
    const reply = await w.raw(MsgType.WATCH, bytes("/wt\0tok\0"), 12345);
    expect(reply.txId).toBe(12345);
    await w.waitForEvents(1);
    expect(w.trace.map(show)).toEqual(["OK:OK|", "EVENT:/wt|tok|"]);
    expect(await ask(MsgType.WATCH, "/wt\0tok\0", 0, w)).toBe("ERROR:EEXIST|");
    expect(await ask(MsgType.WATCH, "/wt\0", 0, w)).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.UNWATCH, "/nowatch\0tok\0", 0, w)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.UNWATCH, "/wt\0", 0, w)).toBe("ERROR:EINVAL|");
    await ask(MsgType.WRITE, "/wt/sub\0x");
    await w.waitForEvents(2);
    expect(show(w.events[1]!)).toBe("EVENT:/wt/sub|tok|");
    expect(w.events[1]!.reqId).toBe(0);
    expect(await ask(MsgType.RESET_WATCHES, "\0", 0, w)).toBe("OK:OK|");
    await ask(MsgType.WRITE, "/wt/sub\0y");
    expect(await ask(MsgType.UNWATCH, "/wt\0tok\0", 0, w)).toBe("ERROR:ENOENT|");
    expect(w.events.length).toBe(2);
  });

  it("relative watches report relative paths; depth limits matches", async () => {
    const w = (await xs.connect()).client;
    await ask(MsgType.WATCH, "rel\0t5\0", 0, w);
    await ask(MsgType.WATCH, "/deep\0d0\0" + "0\0", 0, w);
    await ask(MsgType.WATCH, "/deep\0d1\0" + "1\0", 0, w);
    await w.waitForEvents(3);
    await ask(MsgType.WRITE, "rel/q\0x");
    await ask(MsgType.WRITE, "/deep/a/b\0x");
    await ask(MsgType.WRITE, "/deep/a\0x");
    await ask(MsgType.WRITE, "/deep\0x");
    await w.waitForEvents(7);
    expect(w.events.slice(3).map(show)).toEqual([
      "EVENT:rel/q|t5|", "EVENT:/deep/a|d1|", "EVENT:/deep|d0|", "EVENT:/deep|d1|",
    ]);
    expect(await ask(MsgType.WATCH, "/deep\0dx\0-1\0", 0, w)).toBe("ERROR:EINVAL|");
  });
});

describe("transactions", () => {
  it("ids, EBUSY, ENOENT, EINVAL, isolation, commit", async () => {
    const other = (await xs.connect()).client;
    expect(await ask(MsgType.TRANSACTION_START, "\0")).toBe("OK:1|");
    expect(await ask(MsgType.TRANSACTION_START, "\0", 1)).toBe("ERROR:EBUSY|");
    expect(await ask(MsgType.TRANSACTION_START, "\0", 99)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.READ, "/tool\0", 99)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.WRITE, "/txn/a\0inside", 1)).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/txn/a\0", 1)).toBe("OK:inside");
    expect(await ask(MsgType.READ, "/txn/a\0", 0, other)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.TRANSACTION_END, "X\0", 1)).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.TRANSACTION_END, "T\0", 0)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.TRANSACTION_END, "T\0", 1)).toBe("OK:OK|");
    expect(await ask(MsgType.READ, "/txn/a\0", 0, other)).toBe("OK:inside");
    expect(await ask(MsgType.TRANSACTION_END, "T\0", 1)).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.TRANSACTION_START, "\0")).toBe("OK:2|");
    expect(await ask(MsgType.TRANSACTION_END, "F\0", 2)).toBe("OK:OK|");
  });

  it("EAGAIN when a node the transaction read was written outside", async () => {
    const other = (await xs.connect()).client;
    await ask(MsgType.WRITE, "/cf/a\0old");
    const tx = Number((await ask(MsgType.TRANSACTION_START, "\0")).slice(3, -1));
    await ask(MsgType.READ, "/cf/a\0", tx);
    await ask(MsgType.WRITE, "/cf/a\0new", 0, other);
    await ask(MsgType.WRITE, "/cf/b\0x", tx);
    expect(await ask(MsgType.TRANSACTION_END, "T\0", tx)).toBe("ERROR:EAGAIN|");
    expect(await ask(MsgType.READ, "/cf/b\0")).toBe("ERROR:ENOENT|");
  });
});

describe("domain messages", () => {
  it("INTRODUCE fires @introduceDomain before its OK; RELEASE; IS_DOMAIN_INTRODUCED", async () => {
    const w = (await xs.connect()).client;
    await ask(MsgType.WATCH, "@introduceDomain\0i\0", 0, w);
    await ask(MsgType.WATCH, "@releaseDomain\0r\0", 0, w);
    await w.waitForEvents(2);
    w.trace = [];
    expect(await ask(MsgType.INTRODUCE, "5\0" + "4096\0" + "0\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.INTRODUCE, "5\0" + "4096\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.INTRODUCE, "5\0" + "4096\0" + "9\0", 0, w)).toBe("OK:OK|");
    expect(w.trace.map(show)).toEqual(["EVENT:@introduceDomain|i|", "OK:OK|"]);
    expect(await ask(MsgType.IS_DOMAIN_INTRODUCED, "5\0")).toBe("OK:T|");
    expect(await ask(MsgType.IS_DOMAIN_INTRODUCED, "9\0")).toBe("OK:F|");
    expect(await ask(MsgType.IS_DOMAIN_INTRODUCED, "0\0")).toBe("OK:T|");
    expect(await ask(MsgType.IS_DOMAIN_INTRODUCED, "32752\0")).toBe("OK:T|");
    expect(await ask(MsgType.INTRODUCE, "5\0" + "4096\0" + "10\0")).toBe("OK:OK|"); // rebind only
    expect(await ask(MsgType.SET_FEATURE, "5\0" + "2\0")).toBe("ERROR:EBUSY|");
    expect(await ask(MsgType.GET_FEATURE, "5\0")).toBe("OK:14|");
    expect(await ask(MsgType.RESUME, "5\0")).toBe("OK:OK|");
    expect(await ask(MsgType.RESUME, "8\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.SET_TARGET, "5\0" + "8\0")).toBe("ERROR:ENOENT|");
    expect(await ask(MsgType.RELEASE, "0\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.RELEASE, "8\0")).toBe("ERROR:ENOENT|");
    w.trace = [];
    expect(await ask(MsgType.RELEASE, "5\0", 0, w)).toBe("OK:OK|");
    expect(w.trace.map(show)).toEqual(["EVENT:@releaseDomain|r|", "OK:OK|"]);
    expect(await ask(MsgType.IS_DOMAIN_INTRODUCED, "5\0")).toBe("OK:F|");
  });

  it("GET_DOMAIN_PATH", async () => {
    expect(await ask(MsgType.GET_DOMAIN_PATH, "7\0")).toBe("OK:/local/domain/7|");
    expect(await ask(MsgType.GET_DOMAIN_PATH, "x\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.GET_DOMAIN_PATH, "70000\0")).toBe("ERROR:EINVAL|");
  });

  it("GET/SET_FEATURE, GET/SET_QUOTA, CONTROL", async () => {
    expect(await ask(MsgType.GET_FEATURE, "")).toBe("OK:14|");
    expect(await ask(MsgType.SET_FEATURE, "6\0" + "16\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_FEATURE, "6\0" + "2\0")).toBe("OK:OK|");
    expect(await ask(MsgType.GET_FEATURE, "6\0")).toBe("OK:2|");
    expect(await ask(MsgType.GET_QUOTA, "")).toBe(
      "OK:nodes watches outstanding memory transactions transaction-nodes node-permissions path-max node-size soft-memory|");
    expect(await ask(MsgType.GET_QUOTA, "nodes\0")).toBe("OK:1000|");
    expect(await ask(MsgType.GET_QUOTA, "bogus\0")).toBe("ERROR:EINVAL|");
    expect(await ask(MsgType.SET_QUOTA, "watches\0" + "64\0")).toBe("OK:OK|");
    expect(await ask(MsgType.GET_QUOTA, "watches\0")).toBe("OK:64|");
    expect(await ask(MsgType.SET_QUOTA, "watches\0" + "128\0")).toBe("OK:OK|");
    expect(await ask(MsgType.CONTROL, "help\0")).toContain("quota");
    expect(await ask(MsgType.CONTROL, "quota\0")).toContain("Quota settings:\n" +
      "nodes            :     1000 Nodes per domain\nwatches          :      128 Watches per domain\n");
    expect(await ask(MsgType.CONTROL, "frobnicate\0")).toBe("ERROR:EINVAL|");
    const interfaces = await ask(MsgType.CONTROL, "interfaces\0");
    expect(interfaces).toContain("design: new\n");
    expect(interfaces).toContain("ring mapping: grant reference 1");
    expect(interfaces).toContain("stable interfaces only: yes");
  });
});

describe("invalid input", () => {
  it("unknown and server-only types answer ENOSYS", async () => {
    for (const t of [MsgType.WATCH_EVENT, MsgType.ERROR, MsgType.RESTRICT, 27, 65535])
      expect(await ask(t, "\0")).toBe("ERROR:ENOSYS|");
  });

  it("a zero-length GET_FEATURE is answered; headers split across writes are reassembled", async () => {
    const { socket, client } = await xs.connect();
    const frame = encodeMessage({ type: MsgType.READ, reqId: 77, txId: 0, payload: bytes("/tool\0") });
    const reply = client.raw(MsgType.GET_FEATURE, new Uint8Array(0));
    expect(show(await reply)).toBe("OK:14|");
    const p = new Promise<Message>((resolve) => { client.trace = []; client.onEvent = undefined; const t = setInterval(() => { if (client.trace!.length) { clearInterval(t); resolve(client.trace![0]!); } }, 5); });
    for (const part of [frame.subarray(0, 3), frame.subarray(3, 16), frame.subarray(16)]) {
      socket.write(part);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await p).reqId).toBe(77);
  });

  it("len > 4096 closes that connection only", async () => {
    const bad = await xs.connect();
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(0, MsgType.READ, true);
    new DataView(header.buffer).setUint32(12, 4097, true);
    bad.socket.write(header);
    await bad.closed;
    expect(await ask(MsgType.READ, "/tool\0")).toBe("OK:");
  });
});
