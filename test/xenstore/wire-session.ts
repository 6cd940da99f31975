/**
 * A scripted session against any xenstored on a unix socket: up to four raw-protocol
 * connections, each request answered before the next is sent, and after every request a
 * record of what each connection received (reply, watch events, in order). Running the
 * same script against xenmm and C xenstored and comparing the records is the
 * differential test; the script is also how the transaction scenarios are written.
 */
import { MsgType, msgTypeName } from "../../src/xenstore/constants.js";
import { encodeMessage, joinStrings, text, type Message } from "../../src/xenstore/codec.js";
import { connectUnix, type SocketClient } from "../../src/xenstore/socket-client.js";

/** Which transaction id a request carries. */
export type TxRef =
  | { kind: "none" }
  /** The connection's latest transaction (n = 0), the one before (n = 1)…: its real id on this server. */
  | { kind: "open"; n: number }
  /** A literal id (wrong ids are bad input). */
  | { kind: "id"; id: number };

export type Step =
  | { conn: number; type: number; tx: TxRef; payload: Uint8Array }
  /** A header announcing more than 4096 bytes: the server must drop the connection. */
  | { conn: number; type: "overlong" };

/** What one step produced: the reply on the requesting connection, then every connection's events. */
export interface StepRecord {
  reply: string;
  events: string[][];
}

const SYNC_REQ_ID = 0x7fff_0000;
/** Long enough for a loaded machine; a server that never answers shows up as "timeout". */
const REPLY_TIMEOUT_MS = 10_000;

/** A message as comparable text: `READ "value\0"`, `ERROR "ENOENT\0"`, `closed`. */
export function describe(m: Message): string {
  return `${msgTypeName(m.type)} ${JSON.stringify(text(m.payload))}`;
}

class WireConn {
  /** Messages not yet claimed by a step, in arrival order. */
  private inbox: Message[] = [];
  private waiter?: () => void;
  closed = false;
  /** Ids returned by this connection's successful TRANSACTION_STARTs, in order. */
  readonly txIds: number[] = [];
  private nextReqId = 1;

  constructor(readonly sc: SocketClient) {
    const wake = () => this.waiter?.();
    sc.client.receive = (m) => {
      this.inbox.push(m);
      wake();
    };
    sc.closed.then(() => {
      this.closed = true;
      wake();
    });
  }

  send(type: number, txId: number, payload: Uint8Array, reqId = this.nextReqId++): number {
    this.sc.socket.write(encodeMessage({ type, reqId, txId, payload }));
    return reqId;
  }

  /** Waits until a message with `reqId` (not an event) arrives, or the peer closes. */
  async until(reqId: number): Promise<Message | "closed" | "timeout"> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type !== MsgType.WATCH_EVENT && m.reqId === reqId);
      if (i >= 0) return this.inbox[i]!;
      if (this.closed) return "closed";
      const left = deadline - Date.now();
      if (left <= 0) return "timeout";
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Takes everything received so far, minus the sync reply. */
  drain(): Message[] {
    const out = this.inbox.filter((m) => m.reqId !== SYNC_REQ_ID || m.type === MsgType.WATCH_EVENT);
    this.inbox.length = 0;
    return out;
  }

  async sync(): Promise<void> {
    if (this.closed) return;
    await this.until(this.send(MsgType.GET_DOMAIN_PATH, 0, joinStrings(["0"]), SYNC_REQ_ID));
  }
}

/** Connects, retrying while the listen backlog is full (C xenstored accepts one at a time: EAGAIN). */
async function connectPatiently(socket: string): Promise<SocketClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectUnix(socket);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN" || attempt >= 200) throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

export class WireSession {
  private constructor(private readonly conns: WireConn[]) {}

  static async open(socket: string, connections: number): Promise<WireSession> {
    const conns: WireConn[] = [];
    for (let i = 0; i < connections; i++) conns.push(new WireConn(await connectPatiently(socket)));
    return new WireSession(conns);
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.sc.close()));
  }

  /** Runs one step; every connection is synced afterwards so all its events are in. */
  async run(step: Step): Promise<StepRecord> {
    const conn = this.conns[step.conn]!;
    let reply: string;
    if (conn.closed) {
      reply = "closed";
    } else if (step.type === "overlong") {
      const header = encodeMessage({ type: MsgType.READ, reqId: 1, txId: 0, payload: new Uint8Array(0) });
      new DataView(header.buffer).setUint32(12, 5000, true);
      conn.sc.socket.write(header);
      const r = await conn.until(-1);
      reply = r === "timeout" ? "timeout" : "closed";
    } else {
      const txId = this.txId(conn, step.tx);
      const r = await conn.until(conn.send(step.type, txId, step.payload));
      reply = typeof r === "string" ? r : describe(r);
      if (typeof r !== "string" && step.type === MsgType.TRANSACTION_START && r.type === MsgType.TRANSACTION_START) {
        conn.txIds.push(Number(text(r.payload).replace(/\0$/, "")));
      }
    }
    for (const c of this.conns) await c.sync();
    const events = this.conns.map((c) => c.drain().filter((m) => !(m.type !== MsgType.WATCH_EVENT && c === conn)).map(describe));
    return { reply, events };
  }

  private txId(conn: WireConn, ref: TxRef): number {
    if (ref.kind === "none") return 0;
    if (ref.kind === "id") return ref.id;
    return conn.txIds[conn.txIds.length - 1 - ref.n] ?? 0;
  }

  /** The whole tree as `path = value (perms)` lines, read through connection 0's socket. */
  static async dumpTree(socket: string): Promise<string[]> {
    const sc = await connectPatiently(socket);
    const c = sc.client;
    const lines: string[] = [];
    const walk = async (path: string): Promise<void> => {
      const value = await c.read(path);
      const perms = (await c.call(MsgType.GET_PERMS, [path])).split("\0").filter(Boolean).join(",");
      lines.push(`${path} = ${JSON.stringify(value)} (${perms})`);
      for (const child of await c.directory(path)) await walk(path === "/" ? `/${child}` : `${path}/${child}`);
    };
    try {
      await walk("/");
    } finally {
      await sc.close();
    }
    return lines;
  }
}
