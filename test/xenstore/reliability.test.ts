/**
 * Reliability over real unix sockets: malformed input, vanishing clients, 1,000
 * concurrent connections, a flooding client, and seeded random messages.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MsgType } from "../../src/xenstore/constants.js";
import { bytes, encodeMessage, text } from "../../src/xenstore/codec.js";
import { SeededRandom } from "../../src/prng.js";
import { startServer, type Running } from "./helpers.js";

let xs: Running;
beforeEach(async () => { xs = await startServer(); });
afterEach(async () => { await xs.stop(); });

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};

describe("reliability", () => {
  it("malformed requests get their errors and leave other connections alone", async () => {
    const good = (await xs.connect()).client;
    await good.watch("/g", "w");
    const tx = await good.start();
    await good.write("/g/in-tx", "1", tx);

    const bad = await xs.connect();
    const err = async (type: number, payload: string, txId = 0) => {
      const m = await bad.client.raw(type, bytes(payload), txId);
      return m.type === MsgType.ERROR ? text(m.payload) : "no error";
    };
    expect(await err(99, "x\0")).toBe("ENOSYS\0");
    expect(await err(MsgType.READ, "/no-nul")).toBe("EINVAL\0");
    expect(await err(MsgType.WRITE, "/bad path\0x")).toBe("EINVAL\0");
    expect(await err(MsgType.WRITE, "/ok\0x", 4242)).toBe("ENOENT\0");
    expect(await err(MsgType.TRANSACTION_END, "T\0", 1)).toBe("ENOENT\0"); // good's tx 1 is not bad's
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(12, 5000, true);
    bad.socket.write(header);
    await bad.closed;

    await good.end(tx);
    expect(await good.read("/g/in-tx")).toBe("1");
    await good.waitForEvents(2);
    expect(text(good.events[1]!.payload)).toBe("/g/in-tx\0w\0");
  });

  it("a client vanishing mid-transaction loses its transaction and nothing else", async () => {
    const keep = (await xs.connect()).client;
    await keep.write("/v/keep", "1");
    const gone = await xs.connect();
    const tx = await gone.client.start();
    await gone.client.write("/v/lost", "1", tx);
    await gone.client.write("/v/keep", "changed", tx);
    const before = xs.server.connections.size;
    gone.socket.destroy();
    await until(() => xs.server.connections.size === before - 1);
    expect(await keep.read("/v/keep")).toBe("1");
    expect(await keep.directory("/v")).toEqual(["keep"]);
  });

  it("1,000 concurrent connections each write, read and commit a transaction", async () => {
    const conns = await Promise.all(Array.from({ length: 1000 }, () => xs.connect()));
    await until(() => xs.transport.peers === 1000);
    const results = await Promise.all(conns.map(async ({ client }, i) => {
      await client.write(`/many/${i}`, `${i}`);
      const tx = await client.start();
      await client.write(`/many/${i}`, `${i}+tx`, tx);
      await client.end(tx);
      return client.read(`/many/${i}`);
    }));
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => `${i}+tx`));
    const reader = conns[0]!.client;
    expect((await reader.directory("/many")).length).toBe(1000);
  });

  it("a client flooding requests without reading replies does not starve others", async () => {
    const flood = await xs.connect();
    flood.socket.pause(); // never read: its replies pile up in the server
    const n = 200_000;
    const frames: Uint8Array[] = [];
    for (let i = 0; i < n; i++) frames.push(encodeMessage({ type: MsgType.WRITE, reqId: i + 1, txId: 0, payload: bytes(`/flood/k\0${i}`) }));
    for (const f of frames) flood.socket.write(f);

    const other = (await xs.connect()).client;
    for (let i = 0; i < 200; i++) {
      await other.write("/other/x", `${i}`);
      expect(await other.read("/other/x")).toBe(`${i}`);
    }
    // The flood is held back (its replies back up, so the server stops reading it) while
    // the other client was served.
    expect(xs.server.stats.requests).toBeLessThan(n);
    flood.socket.resume();
    await until(() => xs.server.stats.requests >= n + 400);
    expect(await other.read("/flood/k")).toBe(`${n - 1}`);
  });

  it("seeded random messages never crash the server; every request gets a reply", async () => {
    const random = new SeededRandom(11);
    const rand = () => random.next();
    const { client } = await xs.connect();
    const alphabet = ["/", "a", "b", "\0", "@", "T", "F", "1", "0", " ", "x", "-"];
    const pending = [];
    for (let i = 0; i < 3000; i++) {
      const type = Math.floor(rand() * 30);
      const len = Math.floor(rand() * 40);
      let s = rand() < 0.5 ? "/fz" : "";
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const txId = rand() < 0.1 ? Math.floor(rand() * 4) : 0;
      pending.push(client.raw(type, bytes(s), txId));
    }
    const replies = await Promise.all(pending);
    expect(replies.length).toBe(3000);
    expect(await client.read("/")).toBe("");
    // CONTROL was exercised as privileged dom0; the store still answers sane requests.
    await client.write("/after-fuzz", "ok");
    expect(await client.read("/after-fuzz")).toBe("ok");
  });
});
