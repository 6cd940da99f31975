/**
 * A raw-protocol xenstore client, transport-agnostic: give it a function that writes
 * bytes and feed it the bytes that come back. Unlike libxenstore it pipelines: each
 * request gets its own req_id and replies are matched by it. Watch events (type 15) go
 * to `events` / `onEvent`. Used by tests, the benchmark and the in-process transport.
 */
import { XenmmError } from "../errors.js";
import { MsgType } from "./constants.js";
import { MessageFramer, bytes, encodeMessage, errorName, joinStrings, text, type Message } from "./codec.js";

/** An ERROR reply, surfaced as a rejection: `e.errno` is the wire string ("ENOENT"). */
export class XsReplyError extends XenmmError {
  override name = "XsReplyError";
  constructor(readonly errno: string, readonly reply: Message) {
    super(errno);
  }
}

export class XsClient {
  private readonly framer = new MessageFramer();
  private readonly pending = new Map<number, { resolve: (m: Message) => void }>();
  private nextReqId = 1;
  readonly events: Message[] = [];
  onEvent?: (path: string, token: string) => void;
  /** When set, every message received, in arrival order (for ordering tests). */
  trace?: Message[];
  private eventWaiters: Array<() => void> = [];

  constructor(private readonly send: (b: Uint8Array) => void) {}

  /** Bytes from the server. */
  feed(chunk: Uint8Array): void {
    for (const m of this.framer.push(chunk).messages) this.receive(m);
  }

  /** A decoded message from the server (transports that skip the byte stream call this). */
  receive(m: Message): void {
    this.trace?.push(m);
    if (m.type === MsgType.WATCH_EVENT) {
      this.events.push(m);
      const [path, token] = text(m.payload).split("\0");
      this.onEvent?.(path!, token!);
      for (const w of this.eventWaiters.splice(0)) w();
      return;
    }
    const p = this.pending.get(m.reqId);
    if (!p) return;
    this.pending.delete(m.reqId);
    p.resolve(m);
  }

  /** Sends one message and resolves with the raw reply (ERROR included). */
  raw(type: number, payload: Uint8Array, txId = 0, reqId = this.nextReqId++): Promise<Message> {
    const reply = new Promise<Message>((resolve) => this.pending.set(reqId, { resolve }));
    this.send(encodeMessage({ type, reqId, txId, payload }));
    return reply;
  }

  /** Sends and resolves with the reply payload as text; rejects with XsReplyError on ERROR. */
  async call(type: number, parts: string[] | Uint8Array, txId = 0): Promise<string> {
    const payload = parts instanceof Uint8Array ? parts : joinStrings(parts);
    const m = await this.raw(type, payload, txId);
    if (m.type === MsgType.ERROR) throw new XsReplyError(errorName(m), m);
    return text(m.payload);
  }

  read(path: string, tx = 0): Promise<string> {
    return this.call(MsgType.READ, [path], tx);
  }

  write(path: string, value: string, tx = 0): Promise<string> {
    return this.call(MsgType.WRITE, bytes(`${path}\0${value}`), tx);
  }

  async directory(path: string, tx = 0): Promise<string[]> {
    const r = await this.call(MsgType.DIRECTORY, [path], tx);
    return r === "" ? [] : r.slice(0, -1).split("\0");
  }

  rm(path: string, tx = 0): Promise<string> {
    return this.call(MsgType.RM, [path], tx);
  }

  async start(): Promise<number> {
    return Number((await this.call(MsgType.TRANSACTION_START, [""])).replace("\0", ""));
  }

  end(tx: number, commit = true): Promise<string> {
    return this.call(MsgType.TRANSACTION_END, [commit ? "T" : "F"], tx);
  }

  watch(path: string, token: string): Promise<string> {
    return this.call(MsgType.WATCH, [path, token]);
  }

  /** Resolves once at least `n` watch events have arrived in total. */
  async waitForEvents(n: number): Promise<Message[]> {
    while (this.events.length < n) await new Promise<void>((r) => this.eventWaiters.push(r));
    return this.events;
  }

  /** Replies still outstanding. */
  get inFlight(): number {
    return this.pending.size;
  }
}
