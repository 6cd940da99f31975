/**
 * The xenstore server core: decodes nothing and opens no sockets — transports hand it
 * framed messages per connection and it answers through each connection's `send`. All
 * processing is synchronous, so one request runs to completion before the next: the
 * ordering facts of docs/notes/xenstore.md §1.6 (WATCH reply before its first event;
 * INTRODUCE/RELEASE/commit events before their reply) follow from the order of sends.
 *
 * Behaviour follows C xenstored (upstream, 4.22) where it differs from oxenstored (§10).
 * This file holds the state, the connections and the dispatch; the requests themselves
 * are in requests.ts (the table) and the *-ops.ts files, events in events.ts, domain
 * teardown in domain-lifecycle.ts.
 */
import { DOMID_ANY, INTRODUCE_DOMAIN, MsgType, PAYLOAD_MAX, RELEASE_DOMAIN, SERVER_FEATURES, msgTypeName } from "./constants.js";
import { errorPayload, type Message } from "./codec.js";
import { Connection, type ConnectionOptions } from "./connection.js";
import { DomainTable, type RingProvider } from "./domains.js";
import { destroyDomain, scanDomainStates } from "./domain-lifecycle.js";
import { fireSpecial } from "./events.js";
import type { Hypervisor } from "./hypervisor.js";
import { InterfaceLog, type Design } from "./interfaces.js";
import type { LogLevel } from "./log-levels.js";
import { WATCH_EVENT_TIMEOUT_MS, newEventDrops } from "./output-queue.js";
import { CausedEvents, type EventCause } from "./outstanding.js";
import { rightsOf, type Perm } from "./permissions.js";
import { DomainMemory, Quotas } from "./quota.js";
import { XsError, fail } from "./request-args.js";
import { requestOf } from "./requests.js";
import { Store } from "./store.js";
import type { Transaction } from "./transactions.js";

export { CONTROL_HELP } from "./control-ops.js";
export { LOG_LEVELS, type LogLevel } from "./log-levels.js";

export interface ServerOptions {
  /** The privileged domain (socket peers act as it). */
  privDomid?: number;
  /** Which hypervisor interfaces to use for ring mapping and domain state. */
  design?: Design;
  /** The hypervisor model; without one, VIRQ_DOM_EXC never fires. */
  hypervisor?: Hypervisor;
  /** Maps introduced guests' rings (ring transport); without one, guests have no connection. */
  ringProvider?: RingProvider;
  log?: (level: LogLevel, text: string) => void;
  /** The most detailed level `log` prints (default debug): per-request debug lines are not even built above it. */
  logLevel?: LogLevel;
  /** Unread watch events of unprivileged connections expire after this (C: 20 s; 0 = never). */
  watchEventTimeoutMs?: number;
}

export class XenstoreServer {
  readonly store: Store;
  readonly quotas = new Quotas();
  readonly domains = new DomainTable();
  readonly connections = new Set<Connection>();
  readonly interfaces: InterfaceLog;
  readonly privDomid: number;
  readonly hypervisor?: Hypervisor;
  ringProvider?: RingProvider;
  /** @internal Permissions of the special nodes (4.22 defaults: @releaseDomain readable by all). */
  readonly specialPerms = new Map<string, Perm[]>();
  /** @internal The request handlers' log. */
  readonly log: (level: LogLevel, text: string) => void;
  /** Whether per-request debug lines are wanted (building them costs on the hot path). */
  private readonly debugLog: boolean;
  /** Counters for CONTROL/benchmarks/the release-storm cross-check. */
  readonly stats = { requests: 0, errors: 0, eventsSent: 0, specialEventsSent: 0 };
  /** Watch events not delivered, by reason (output-queue.ts). */
  readonly drops = newEventDrops();
  /** Memory charged per unprivileged domain: queued messages and watches. */
  readonly memory: DomainMemory;
  /** Requests per domain whose watch events still wait (part of C's `outstanding`). */
  readonly causedEvents = new CausedEvents();
  /**
   * The unprivileged request running now, set by the ring transport around `handle`: the
   * events it fires count as outstanding for its domain until they are read.
   */
  eventCause?: EventCause;
  private readonly watchEventTimeoutMs: number;

  constructor(options: ServerOptions = {}) {
    this.privDomid = options.privDomid ?? 0;
    this.store = new Store(this.privDomid);
    this.interfaces = new InterfaceLog(options.design ?? "new");
    this.hypervisor = options.hypervisor;
    this.ringProvider = options.ringProvider;
    this.log = options.log ?? (() => {});
    this.debugLog = options.log !== undefined && (options.logLevel ?? "debug") === "debug";
    this.memory = new DomainMemory(this.quotas, (level, text) => this.log(level, text));
    this.watchEventTimeoutMs = options.watchEventTimeoutMs ?? WATCH_EVENT_TIMEOUT_MS;
    this.specialPerms.set(INTRODUCE_DOMAIN, [{ access: "n", domid: this.privDomid }]);
    this.specialPerms.set(RELEASE_DOMAIN, [{ access: "n", domid: this.privDomid }, { access: "r", domid: DOMID_ANY }]);
    // In the toolstack design the toolstack binds VIRQ_DOM_EXC (toolstack.ts), not xenstored.
    if (this.hypervisor && this.interfaces.design !== "toolstack") this.hypervisor.onVirqDomExc = () => this.onDomainStateChange();
  }

  // ── Connections ────────────────────────────────────────────────────────────────

  connect(options: ConnectionOptions): Connection {
    const conn = new Connection({ features: SERVER_FEATURES, ...options },
      { memory: this.memory, drops: this.drops, timeoutMs: this.watchEventTimeoutMs });
    this.connections.add(conn);
    this.log("debug", `${conn.label}: connected as dom${conn.domid}`);
    return conn;
  }

  /** The peer went away: its transactions are discarded, its watches dropped. */
  disconnect(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    conn.closed = true;
    if (conn.transactions.size > 0) this.log("info", `${conn.label}: gone with ${conn.transactions.size} open transaction(s), discarded`);
    conn.discard();
    this.log("debug", `${conn.label}: disconnected`);
  }

  /** A header announced len > 4096: C xenstored drops the connection. */
  protocolViolation(conn: Connection, why: string): void {
    this.log("warn", `${conn.label}: ${why}; closing the connection`);
    this.disconnect(conn);
    conn.close();
  }

  // ── Dispatch ───────────────────────────────────────────────────────────────────

  handle(conn: Connection, msg: Message): void {
    if (conn.closed) return;
    this.stats.requests++;
    conn.requests++;
    try {
      const reply = this.dispatch(conn, msg);
      if (reply !== null) this.reply(conn, msg, reply);
    } catch (e) {
      const errno = e instanceof XsError ? e.errno : "EIO";
      if (!(e instanceof XsError)) {
        this.log("error", `${conn.label}: internal error on ${msgTypeName(msg.type)}: ${(e as Error).stack}`);
        // A transaction that failed half-way must not commit (C answers its "T" with ENOMEM).
        const tx = conn.transactions.get(msg.txId);
        if (tx) tx.failed = true;
      }
      this.stats.errors++;
      if (this.debugLog) this.log("debug", `${conn.label}: ${msgTypeName(msg.type)} → ${errno}`);
      conn.send({ type: MsgType.ERROR, reqId: msg.reqId, txId: msg.txId, payload: errorPayload(errno) });
    }
  }

  /** @internal Sends a success reply; WATCH calls it itself so its OK precedes the first event. */
  reply(conn: Connection, msg: Message, payload: Uint8Array): void {
    // A reply that would not fit the protocol becomes E2BIG (C), never an oversized message.
    if (payload.length > PAYLOAD_MAX) fail("E2BIG");
    conn.send({ type: msg.type, reqId: msg.reqId, txId: msg.txId, payload });
  }

  /** Returns the success payload, or null when the handler already replied (WATCH). */
  private dispatch(conn: Connection, msg: Message): Uint8Array | null {
    const request = requestOf(msg.type) ?? fail("ENOSYS");
    if (request.privileged && !conn.privileged) fail("EACCES");
    let tx: Transaction | undefined;
    if (request.transactional && msg.txId !== 0) tx = conn.transactions.get(msg.txId) ?? fail("ENOENT");
    if (this.debugLog) this.log("debug", `${conn.label}: ${msgTypeName(msg.type)} tx=${msg.txId} len=${msg.payload.length}`);
    return request.run(this, conn, tx, msg);
  }

  // ── Domains and events that outside parts raise ─────────────────────────────────

  /** Tears a domain down (domain-lifecycle.ts); the plain `@releaseDomain` is the caller's. */
  destroyDomain(domid: number): void {
    destroyDomain(this, domid);
  }

  /** VIRQ_DOM_EXC: find out which domains changed (domain-lifecycle.ts). */
  onDomainStateChange(): void {
    scanDomainStates(this);
  }

  /** A special event; `domid` undefined = the plain form (see watches.ts). */
  fireSpecial(name: string, domid: number | undefined): void {
    fireSpecial(this, name, domid);
  }

  rights(conn: Connection, perms: readonly Perm[]): number {
    return rightsOf(conn, perms);
  }
}
