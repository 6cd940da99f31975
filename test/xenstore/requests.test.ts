/**
 * The request table: which types exist, which need the privileged domain and which look
 * up the header's transaction — and that dispatch checks them in C's order.
 */
import { describe, expect, it } from "vitest";
import { joinStrings, text, type Message } from "../../src/xenstore/codec.js";
import { MsgType } from "../../src/xenstore/constants.js";
import { REQUESTS, requestOf } from "../../src/xenstore/requests.js";
import { XenstoreServer } from "../../src/xenstore/server.js";

describe("REQUESTS", () => {
  it("lists every message type but the two server-only ones and XS_RESTRICT", () => {
    const notRequests = ["WATCH_EVENT", "ERROR", "RESTRICT"];
    expect(Object.keys(REQUESTS).sort()).toEqual(Object.keys(MsgType).filter((n) => !notRequests.includes(n)).sort());
    for (const [name, value] of Object.entries(MsgType)) expect(requestOf(value)).toBe(REQUESTS[name as keyof typeof REQUESTS]);
    for (const t of [27, 99, 65535, -1]) expect(requestOf(t)).toBeUndefined();
  });

  it("needs the privileged domain for exactly C's nine types", () => {
    const privileged = Object.entries(REQUESTS).filter(([, r]) => r.privileged).map(([n]) => n).sort();
    expect(privileged).toEqual([
      "CONTROL", "GET_QUOTA", "INTRODUCE", "IS_DOMAIN_INTRODUCED", "RELEASE", "RESUME", "SET_FEATURE", "SET_QUOTA", "SET_TARGET",
    ]);
  });

  it("ignores tx_id for WATCH and UNWATCH only", () => {
    expect(Object.entries(REQUESTS).filter(([, r]) => !r.transactional).map(([n]) => n).sort()).toEqual(["UNWATCH", "WATCH"]);
  });
});

describe("dispatch order", () => {
  const setup = (privileged: boolean) => {
    const server = new XenstoreServer();
    const replies: Message[] = [];
    const conn = server.connect({ domid: privileged ? 0 : 5, privileged, send: (m) => replies.push(m), label: "t" });
    const ask = (type: number, parts: string[], txId = 0) => {
      replies.length = 0;
      server.handle(conn, { type, reqId: 7, txId, payload: joinStrings(parts) });
      return replies.map((m) => `${m.type === MsgType.ERROR ? "ERROR" : m.type}:${text(m.payload)}`);
    };
    return { server, ask };
  };

  it("refuses an unprivileged privileged request before looking up its transaction", () => {
    const { ask } = setup(false);
    expect(ask(MsgType.INTRODUCE, ["1", "2", "3"], 42)).toEqual(["ERROR:EACCES\0"]);
  });

  it("answers ENOENT for an unknown transaction, but WATCH and UNWATCH ignore it", () => {
    const { ask } = setup(true);
    expect(ask(MsgType.READ, ["/"], 42)).toEqual(["ERROR:ENOENT\0"]);
    expect(ask(MsgType.WATCH, ["/a", "tok"], 42)).toEqual([`${MsgType.WATCH}:OK\0`, `${MsgType.WATCH_EVENT}:/a\0tok\0`]);
    expect(ask(MsgType.UNWATCH, ["/a", "tok"], 42)).toEqual([`${MsgType.UNWATCH}:OK\0`]);
  });

  it("answers E2BIG for a reply over 4096 bytes, and counts it as an error", () => {
    const { server, ask } = setup(true);
    for (let i = 0; i < 300; i++) ask(MsgType.WRITE, [`/d/child-with-a-long-name-${String(i).padStart(4, "0")}`, ""]);
    const errors = server.stats.errors;
    expect(ask(MsgType.DIRECTORY, ["/d"])).toEqual(["ERROR:E2BIG\0"]);
    expect(server.stats.errors).toBe(errors + 1);
  });
});
