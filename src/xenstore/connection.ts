/**
 * One client of the server: a unix-socket peer (the privileged dom0), a guest's ring, or
 * an in-process client. Transports create connections with a `send` callback; the server
 * owns everything else (watches, transactions, identity).
 */
import type { Message } from "./codec.js";
import { domainPath } from "./paths.js";
import type { Caller } from "./permissions.js";
import type { Transaction } from "./transactions.js";
import type { Watch } from "./watches.js";

export interface ConnectionOptions {
  /** The domain the peer speaks for; socket peers are the store domain (0). */
  domid: number;
  privileged: boolean;
  /** Delivers one message (reply or watch event) to the peer. */
  send: (m: Message) => void;
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

  constructor(private readonly options: ConnectionOptions) {
    this.domid = options.domid;
    this.privileged = options.privileged;
    this.label = options.label ?? `conn#${this.id}`;
    this.home = domainPath(options.domid);
    this.features = options.features ?? 0;
  }

  send(m: Message): void {
    if (!this.closed) this.options.send(m);
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

  /** Drops watches and transactions (RESET_WATCHES, ring reset, re-INTRODUCE). */
  reset(): void {
    this.watches.length = 0;
    this.transactions.clear();
  }

  openTransaction(tx: Transaction): void {
    this.transactions.set(tx.id, tx);
  }
}
