/**
 * One client of the server: a unix-socket peer (the privileged dom0), a guest's ring, or
 * an in-process client. Transports create connections with a `send` callback; the server
 * owns everything else (watches, transactions, identity).
 */
import { encodeMessage, type Message } from "./codec.js";
import { OutputQueue, type QueuePolicy } from "./output-queue.js";
import type { EventCause } from "./outstanding.js";
import type { DomainMemory } from "./quota.js";
import { domainPath } from "./paths.js";
import type { Caller } from "./permissions.js";
import type { Transaction } from "./transactions.js";
import type { Watch } from "./watches.js";

export interface ConnectionOptions {
  /** The domain the peer speaks for; socket peers are the store domain (0). */
  domid: number;
  privileged: boolean;
  /** Delivers one message (reply or watch event) to the peer at once (socket, in-process). */
  send?: (m: Message) => void;
  /**
   * Sockets: whether `send` may be called now (the peer is reading). While it is not,
   * messages wait in `connection.output` under C's event defences, at most `outputLimit`
   * bytes of events, and the transport calls `flush` when the peer reads again.
   */
  ready?: () => boolean;
  outputLimit?: number;
  /**
   * Queued delivery (rings): messages wait in `connection.output` under C's event
   * defences, and `wake` is called after each one so the transport writes what fits.
   */
  wake?: () => void;
  /** Asks the transport to drop the peer (protocol violation: len > 4096). */
  close?: () => void;
  /** A label for logs ("socket#3", "ring dom5"). */
  label?: string;
  /** Feature bits this connection may use (WATCHDEPTH enables the watch depth argument). */
  features?: number;
}

let nextConnectionId = 1;

export class Connection implements Caller {
  readonly id = nextConnectionId++;
  readonly domid: number;
  readonly privileged: boolean;
  readonly label: string;
  /** Where relative paths resolve: `/local/domain/<domid>`. */
  readonly home: string;
  target?: number;
  domidAny = true;
  features: number;
  readonly watches: Watch[] = [];
  readonly transactions = new Map<number, import("./transactions.js").Transaction>();
  private lastTxId = 0;
  closed = false;
  /** Requests handled and events delivered, for CONTROL/debug output. */
  requests = 0;
  events = 0;

  /** Unsent messages, for transports that deliver through a queue (see `wake` and `ready`). */
  readonly output?: OutputQueue;

  /** Bytes of this connection's watches (path + token), charged to its domain. */
  private watchBytes = 0;
  private readonly memory?: DomainMemory;

  constructor(private readonly options: ConnectionOptions, policy?: Omit<QueuePolicy, "domid" | "privileged">) {
    if ((options.wake || options.ready) && policy)
      this.output = new OutputQueue({ ...policy, domid: options.domid, privileged: options.privileged, maxBytes: options.outputLimit });
    this.memory = policy?.memory;
    this.domid = options.domid;
    this.privileged = options.privileged;
    this.label = options.label ?? `conn#${this.id}`;
    this.home = domainPath(options.domid);
    this.features = options.features ?? 0;
  }

  /** Whether a message must wait in `output` (a ring always; a socket whose peer is behind). */
  private mustQueue(): boolean {
    return this.output !== undefined && (this.output.length > 0 || !(this.options.ready?.() ?? false));
  }

  send(m: Message): void {
    if (this.closed) return;
    if (this.mustQueue()) {
      this.output!.pushReply(encodeMessage(m));
      this.options.wake?.();
    } else this.options.send?.(m);
  }

  /**
   * Sends a watch event; `dedupKey` (path + token, undefined for special events) lets a
   * queue drop it when an identical one is pending; `cause` is the request it comes from
   * (outstanding.ts). Returns false if it was dropped.
   */
  sendEvent(m: Message, dedupKey: string | undefined, cause?: EventCause): boolean {
    if (this.closed) return false;
    if (!this.mustQueue()) {
      this.options.send?.(m);
      return true;
    }
    const queued = this.output!.pushEvent(encodeMessage(m), dedupKey, cause);
    if (queued) this.options.wake?.();
    return queued;
  }

  /** A socket peer reads again: hands it what waited, while it keeps up. */
  flush(write: (b: Uint8Array) => void): void {
    this.output?.drain((b) => {
      if (this.closed || !this.options.ready!()) return 0;
      write(b);
      return b.length;
    });
  }

  /** Ask the transport to close the peer (it then calls server.disconnect). */
  close(): void {
    this.options.close?.();
  }

  /** Next free transaction id: start at 1, increase, skip ids still open, never 0. */
  allocateTxId(): number {
    do {
      this.lastTxId = (this.lastTxId + 1) >>> 0;
    } while (this.lastTxId === 0 || this.transactions.has(this.lastTxId));
    return this.lastTxId;
  }

  /** Registers a watch and charges its bytes to the domain. */
  addWatch(w: Watch): void {
    this.watches.push(w);
    this.chargeWatch(w, 1);
  }

  removeWatch(index: number): void {
    const [w] = this.watches.splice(index, 1);
    if (w) this.chargeWatch(w, -1);
  }

  /** Drops watches and transactions (RESET_WATCHES, ring reset, re-INTRODUCE). */
  reset(): void {
    this.watches.length = 0;
    this.memory?.add(this.domid, -this.watchBytes);
    this.watchBytes = 0;
    this.transactions.clear();
  }

  /** The peer is gone or its ring restarts: also forget every unsent message. */
  discard(): void {
    this.reset();
    this.output?.clear();
  }

  private chargeWatch(w: Watch, sign: 1 | -1): void {
    if (this.privileged) return; // the privileged domain has no memory quota (C)
    const n = sign * (w.path.length + w.token.length);
    this.watchBytes += n;
    this.memory?.add(this.domid, n);
  }

  openTransaction(tx: Transaction): void {
    this.transactions.set(tx.id, tx);
  }
}
