/**
 * The xenstore server core: decodes nothing and opens no sockets — transports hand it
 * framed messages per connection and it answers through each connection's `send`. All
 * processing is synchronous, so one request runs to completion before the next: the
 * ordering facts of research/xenstore.md §1.6 (WATCH reply before its first event;
 * INTRODUCE/RELEASE/commit events before their reply) follow from the order of sends.
 *
 * Behaviour follows C xenstored (upstream, 4.22) where it differs from oxenstored (§10).
 */
import {
  DOMID_ANY, DOMID_SELF, Feature, INTRODUCE_DOMAIN, MsgType, PAYLOAD_MAX,
  RELEASE_DOMAIN, REL_PATH_MAX, SERVER_FEATURES, msgTypeName, type XsErrno,
} from "./constants.js";
import { bytes, errorPayload, joinStrings, keepable, splitStrings, text, type Message } from "./codec.js";
import { Connection, type ConnectionOptions } from "./connection.js";
import { DOMAIN_CONTROL_USAGE, controlDomain } from "./domain-control.js";
import { DomainTable, type Domain, type RingProvider } from "./domains.js";
import { DomainState, type Hypervisor } from "./hypervisor.js";
import { InterfaceLog, type Design } from "./interfaces.js";
import { canonicalize, domainPath, isSpecial, parentOf } from "./paths.js";
import { OWNER, READ, WRITE, formatPerm, parsePerm, rightsOf, type Perm } from "./permissions.js";
import { DomainMemory, QUOTA_DESCRIPTIONS, QUOTA_NAMES, Quotas, isQuotaName } from "./quota.js";
import { WATCH_EVENT_TIMEOUT_MS, newEventDrops } from "./output-queue.js";
import { CausedEvents, type EventCause } from "./outstanding.js";
import {
  EMPTY, StaleChildListError, Store, childListBytes, createNodes, missingAncestry, nearestExisting, nodeSize, removeTree, setPerms,
  setValue, type NodeAccess, type RemovedNode,
} from "./store.js";
import { Transaction, type PendingEvent } from "./transactions.js";
import { matchNodeEvent, matchSpecialEvent, type Watch } from "./watches.js";

export type LogLevel = "error" | "warn" | "info" | "debug";
export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

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

/** An error reply. Thrown inside handlers, turned into `ERROR "<errno>"`. */
class XsError extends Error {
  constructor(readonly errno: XsErrno) {
    super(errno);
  }
}
const fail = (errno: XsErrno): never => {
  throw new XsError(errno);
};

/** Types that need the privileged domain (checked before the transaction lookup, as C). */
const PRIVILEGED_TYPES = new Set<number>([
  MsgType.CONTROL, MsgType.INTRODUCE, MsgType.RELEASE, MsgType.IS_DOMAIN_INTRODUCED,
  MsgType.RESUME, MsgType.SET_TARGET, MsgType.SET_FEATURE, MsgType.GET_QUOTA, MsgType.SET_QUOTA,
]);
/** The only types that ignore the header's tx_id; every other one looks it up (unknown → ENOENT, C). */
const TX_ID_IGNORED = new Set<number>([MsgType.WATCH, MsgType.UNWATCH]);

const OK = bytes("OK\0");

export class XenstoreServer {
  readonly store: Store;
  readonly quotas = new Quotas();
  readonly domains = new DomainTable();
  readonly connections = new Set<Connection>();
  readonly interfaces: InterfaceLog;
  readonly privDomid: number;
  readonly hypervisor?: Hypervisor;
  ringProvider?: RingProvider;
  /** Permissions of the special nodes (4.22 defaults: @releaseDomain readable by all). */
  private readonly specialPerms = new Map<string, Perm[]>();
  private readonly log: (level: LogLevel, text: string) => void;
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

  // ── Requests ───────────────────────────────────────────────────────────────────

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

  private reply(conn: Connection, msg: Message, payload: Uint8Array): void {
    // A reply that would not fit the protocol becomes E2BIG (C), never an oversized message.
    if (payload.length > PAYLOAD_MAX) throw new XsError("E2BIG");
    conn.send({ type: msg.type, reqId: msg.reqId, txId: msg.txId, payload });
  }

  /** Returns the success payload, or null when the handler already replied (WATCH). */
  private dispatch(conn: Connection, msg: Message): Uint8Array | null {
    const t = msg.type;
    if (!(t in HANDLER_NAMES)) fail("ENOSYS");
    if (PRIVILEGED_TYPES.has(t) && !conn.privileged) fail("EACCES");
    let tx: Transaction | undefined;
    if (!TX_ID_IGNORED.has(t) && msg.txId !== 0) {
      tx = conn.transactions.get(msg.txId) ?? fail("ENOENT");
    }
    if (this.debugLog) this.log("debug", `${conn.label}: ${msgTypeName(t)} tx=${msg.txId} len=${msg.payload.length}`);
    switch (t) {
      case MsgType.READ: return this.doRead(conn, tx, msg.payload);
      case MsgType.WRITE: return this.doWrite(conn, tx, msg.payload);
      case MsgType.MKDIR: return this.doMkdir(conn, tx, msg.payload);
      case MsgType.RM: return this.doRm(conn, tx, msg.payload);
      case MsgType.DIRECTORY: return this.doDirectory(conn, tx, msg.payload);
      case MsgType.DIRECTORY_PART: return this.doDirectoryPart(conn, tx, msg.payload);
      case MsgType.GET_PERMS: return this.doGetPerms(conn, tx, msg.payload);
      case MsgType.SET_PERMS: return this.doSetPerms(conn, tx, msg.payload);
      case MsgType.WATCH: return this.doWatch(conn, msg);
      case MsgType.UNWATCH: return this.doUnwatch(conn, msg.payload);
      case MsgType.RESET_WATCHES: conn.reset(); return OK;
      case MsgType.TRANSACTION_START: return this.doTransactionStart(conn, tx);
      case MsgType.TRANSACTION_END: return this.doTransactionEnd(conn, tx, msg.payload);
      case MsgType.INTRODUCE: return this.doIntroduce(msg.payload);
      case MsgType.RELEASE: return this.doRelease(msg.payload);
      case MsgType.RESUME: return this.doResume(msg.payload);
      case MsgType.SET_TARGET: return this.doSetTarget(msg.payload);
      case MsgType.IS_DOMAIN_INTRODUCED: return this.doIsIntroduced(msg.payload);
      case MsgType.GET_DOMAIN_PATH: return this.doGetDomainPath(msg.payload);
      case MsgType.GET_FEATURE: return this.doGetFeature(conn, msg.payload);
      case MsgType.SET_FEATURE: return this.doSetFeature(msg.payload);
      case MsgType.GET_QUOTA: return this.doGetQuota(msg.payload);
      case MsgType.SET_QUOTA: return this.doSetQuota(msg.payload);
      case MsgType.CONTROL: return this.doControl(msg.payload);
    }
    return fail("ENOSYS");
  }

  // ── Store operations ───────────────────────────────────────────────────────────

  private doRead(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const path = this.pathArg(conn, oneArg(payload), false);
    const view = this.view(conn, tx);
    const node = this.nodeFor(conn, view, path, READ);
    return node.value;
  }

  private doWrite(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const nul = payload.indexOf(0);
    if (nul < 0) fail("EINVAL");
    const path = this.pathArg(conn, text(payload.subarray(0, nul)), false);
    const value = keepable(payload.subarray(nul + 1));
    const view = this.view(conn, tx);
    const existing = view.get(path);
    if (existing) {
      if (!(this.rights(conn, existing.perms) & WRITE)) fail(this.hiddenError(conn, view, path, WRITE));
      if (!conn.privileged) this.checkNodeSize(conn, { ...existing, value });
      setValue(view, path, value);
    } else {
      this.create(conn, view, path, value);
    }
    this.changed(conn, tx, path);
    return OK;
  }

  private doMkdir(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const path = this.pathArg(conn, oneArg(payload), false);
    const view = this.view(conn, tx);
    const existing = view.get(path);
    if (existing) {
      if (!(this.rights(conn, existing.perms) & WRITE)) fail(this.hiddenError(conn, view, path, WRITE));
      return OK; // value untouched, nothing changed, no event
    }
    this.create(conn, view, path, EMPTY);
    this.changed(conn, tx, path);
    return OK;
  }

  private doRm(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const path = this.pathArg(conn, oneArg(payload), false);
    const view = this.view(conn, tx);
    const node = view.get(path);
    if (!node) {
      // Missing node: EACCES if its surroundings are hidden from the caller, else OK when
      // the parent exists (nothing to do) and ENOENT when it does not (C do_rm).
      if (this.hiddenError(conn, view, path, WRITE) === "EACCES") fail("EACCES");
      if (view.get(parentOf(path)!)) return OK;
      fail("ENOENT");
    }
    if (!(this.rights(conn, node!.perms) & WRITE)) fail(this.hiddenError(conn, view, path, WRITE));
    if (path === "/") fail("EINVAL");
    // A transaction's copy may lack the parent (it saw it missing before an outside create): EINVAL (C).
    if (!view.get(parentOf(path)!)) fail("EINVAL");
    this.checkTxNodes(conn, tx);
    let removed: RemovedNode[];
    try {
      removed = removeTree(view, path);
    } catch (e) {
      if (e instanceof StaleChildListError) fail("EIO"); // a stale copy in a transaction (C)
      throw e;
    }
    if (tx || this.anyWatches()) for (const ev of removalEvents(view, path, removed!)) this.emit(tx, ev);
    return OK;
  }

  private doDirectory(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const path = this.pathArg(conn, oneArg(payload), false);
    return childListBytes(this.nodeFor(conn, this.view(conn, tx), path, READ));
  }

  /**
   * A chunk of the child list from a byte offset: `gen\0` then whole child names; the
   * last chunk carries one more NUL so the client knows it has everything. The client
   * restarts from 0 if the generation changes between chunks.
   */
  private doDirectoryPart(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const [rawPath, rawOffset] = args(payload, 2);
    const path = this.pathArg(conn, rawPath!, false);
    const node = this.nodeFor(conn, this.view(conn, tx), path, READ);
    const gen = `${node.generation}\0`;
    const all = node.children.map((c) => c + "\0").join("");
    const offset = childListOffset(rawOffset!);
    if (offset >= all.length) return bytes(gen + "\0");
    const room = PAYLOAD_MAX - gen.length - 1; // keep one byte for the terminating NUL
    let chunk = all.slice(offset);
    if (chunk.length > room) chunk = chunk.slice(0, chunk.lastIndexOf("\0", room - 1) + 1);
    const last = offset + chunk.length >= all.length;
    return bytes(gen + chunk + (last ? "\0" : ""));
  }

  private doGetPerms(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const raw = oneArg(payload);
    if (isSpecial(raw)) {
      const perms = this.specialPerms.get(raw) ?? fail("EINVAL");
      if (!(this.rights(conn, perms) & READ)) fail("EACCES");
      return joinStrings(perms.map(formatPerm));
    }
    const path = this.pathArg(conn, raw, false);
    const node = this.nodeFor(conn, this.view(conn, tx), path, READ);
    return joinStrings(node.perms.map(formatPerm));
  }

  private doSetPerms(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const { strings } = splitStrings(payload); // bytes after the last NUL are ignored (C)
    if (strings.length < 2) fail("EINVAL");
    const [raw, ...permStrings] = strings;
    const perms = permStrings.map((s) => parsePerm(s) ?? fail("EINVAL"));
    if (!conn.privileged && this.quotas.exceeds("node-permissions", conn.domid, perms.length, 0)) fail("ENOSPC");
    if (isSpecial(raw!)) {
      const old = this.specialPerms.get(raw!) ?? fail("EINVAL");
      if ((this.rights(conn, old) & (WRITE | OWNER)) !== (WRITE | OWNER)) fail("EACCES");
      this.specialPerms.set(raw!, perms);
      return OK;
    }
    const path = this.pathArg(conn, raw!, false);
    const view = this.view(conn, tx);
    const node = this.nodeFor(conn, view, path, WRITE);
    if (!(this.rights(conn, node.perms) & OWNER)) fail("EACCES");
    // XSA-115: only the privileged domain may hand a node to another owner.
    if (!conn.privileged && perms[0]!.domid !== node.perms[0]!.domid) fail("EPERM");
    this.checkNodeSize(conn, { ...node, perms });
    this.checkTxNodes(conn, tx);
    setPerms(view, path, perms);
    // Watchers that could read the node before *or* after the change see it (C).
    this.emit(tx, { path, kind: "change", readable: withParent(view, path, [perms, node.perms]) });
    return OK;
  }

  // ── Watches ────────────────────────────────────────────────────────────────────

  private doWatch(conn: Connection, msg: Message): null {
    const { strings } = splitStrings(msg.payload); // bytes after the last NUL are ignored (C)
    if (strings.length < 2 || strings.length > 3) fail("EINVAL");
    const [raw, token, rawDepth] = strings as [string, string, string?];
    let depth: number | undefined;
    if (rawDepth !== undefined) {
      if (!(conn.features & Feature.WATCHDEPTH) || !/^\d+$/.test(rawDepth)) fail("EINVAL");
      depth = Number(rawDepth);
    }
    // Any special name is a valid watch (C); only @introduceDomain and @releaseDomain[/domid] ever fire.
    const path = isSpecial(raw) ? (raw.length <= REL_PATH_MAX ? raw : fail("EINVAL")) : this.pathArg(conn, raw, false);
    if (conn.watches.some((w) => w.path === path && w.token === token)) fail("EEXIST");
    if (!conn.privileged && this.quotas.exceeds("watches", conn.domid, conn.watches.length)) fail("ENOSPC");
    if (!conn.privileged && this.memory.wouldExceed(conn.domid, path.length + token.length)) fail("ENOMEM");
    const watch: Watch = { path, token, relative: !raw.startsWith("/") && !raw.startsWith("@"), depth };
    conn.addWatch(watch);
    this.reply(conn, msg, OK);
    // The first event fires unconditionally, with the path as the client gave it.
    this.sendEvent(conn, raw, token);
    return null;
  }

  private doUnwatch(conn: Connection, payload: Uint8Array): Uint8Array {
    // C looks the watch up by its canonical name without validating it; bytes after the last NUL are ignored.
    const { strings } = splitStrings(payload);
    if (strings.length !== 2) fail("EINVAL");
    const [raw, token] = strings as [string, string];
    const path = raw.startsWith("/") || isSpecial(raw) ? raw : `${conn.home}/${raw}`;
    const i = conn.watches.findIndex((w) => w.path === path && w.token === token);
    if (i < 0) fail("ENOENT");
    conn.removeWatch(i);
    return OK;
  }

  /**
   * One watch event. Over 4096 bytes it is never sent (C: clients would reject it); a
   * queued connection may drop it as a duplicate, expired or over quota (output-queue.ts).
   */
  private sendEvent(conn: Connection, path: string, token: string): void {
    const payload = joinStrings([path, token]);
    if (payload.length > PAYLOAD_MAX) {
      this.drops.overlong++;
      return;
    }
    const key = isSpecial(path) ? undefined : `${path}\0${token}`;
    if (!conn.sendEvent({ type: MsgType.WATCH_EVENT, reqId: 0, txId: 0, payload }, key, this.eventCause)) return;
    this.stats.eventsSent++;
    conn.events++;
  }

  private anyWatches(): boolean {
    for (const conn of this.connections) if (conn.watches.length > 0) return true;
    return false;
  }

  /** Queues an event in the transaction (fired on commit), or fires it now. */
  private emit(tx: Transaction | undefined, ev: PendingEvent): void {
    if (tx) tx.hold(ev);
    else this.fireNode(ev.path, ev.kind, ev.readable);
  }

  /** A node changed: the event for its path, plus the parent's perms for the read filter. */
  private changed(conn: Connection, tx: Transaction | undefined, path: string): void {
    if (!tx && !this.anyWatches()) return; // nobody to tell: skip building the event
    const view = tx ?? this.store;
    const node = view.get(path)!;
    this.emit(tx, { path, kind: "change", readable: withParent(view, path, [node.perms]) });
  }

  /**
   * Delivers a node event to every matching watch whose connection may read the node or
   * its parent (any of `readable`). C delivers per connection, watches in registration order.
   * Two watches of one connection that report the same path and token give one event: C
   * drops an event identical to one still pending, and the first is pending until the
   * request that caused both has been handled.
   */
  private fireNode(path: string, kind: "change" | "removed-descendant", readable: ReadonlyArray<readonly Perm[]>): void {
    for (const conn of this.connections) {
      let allowed: boolean | undefined;
      let sent: string[] | undefined;
      for (const w of conn.watches) {
        const reported = matchNodeEvent(w, path, kind, conn.home);
        if (reported === null) continue;
        allowed ??= conn.privileged || readable.some((p) => (this.rights(conn, p) & READ) !== 0);
        if (!allowed) break;
        const key = `${reported}\0${w.token}`;
        if (sent?.includes(key)) {
          this.drops.duplicate++;
          continue;
        }
        (sent ??= []).push(key);
        this.sendEvent(conn, reported, w.token);
      }
    }
  }

  /** A special event; `domid` undefined = the plain form (see watches.ts). */
  fireSpecial(name: string, domid: number | undefined): void {
    const perms = this.specialPerms.get(name)!;
    for (const conn of this.connections) {
      if (!conn.privileged && !(this.rights(conn, perms) & READ)) continue;
      for (const w of conn.watches) {
        const reported = matchSpecialEvent(w, name, domid);
        if (reported === null) continue;
        this.stats.specialEventsSent++;
        this.sendEvent(conn, reported, w.token);
      }
    }
  }

  // ── Transactions ───────────────────────────────────────────────────────────────

  private doTransactionStart(conn: Connection, tx: Transaction | undefined): Uint8Array {
    if (tx) fail("EBUSY");
    if (!conn.privileged && this.quotas.exceeds("transactions", conn.domid, conn.transactions.size)) fail("ENOSPC");
    const id = conn.allocateTxId();
    conn.openTransaction(new Transaction(id, this.store));
    return bytes(`${id}\0`);
  }

  private doTransactionEnd(conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
    const arg = oneArg(payload);
    if (arg !== "T" && arg !== "F") fail("EINVAL");
    if (!tx) return fail("ENOENT");
    conn.transactions.delete(tx.id);
    if (arg === "F") return OK;
    if (tx.failed) fail("ENOMEM");
    if (tx.conflicts()) fail("EAGAIN");
    if (!conn.privileged) {
      const owned = this.store.ownedBy(conn.domid) + (tx.ownedDelta.get(conn.domid) ?? 0);
      if (this.quotas.exceeds("nodes", conn.domid, owned, 0)) fail("ENOSPC");
    }
    tx.apply();
    // Events of a transaction appear only now, one per touched node, in access order.
    for (const ev of tx.events()) this.fireNode(ev.path, ev.kind, ev.readable);
    return OK;
  }

  // ── Domains ────────────────────────────────────────────────────────────────────

  private doIntroduce(payload: Uint8Array): Uint8Array {
    const { strings } = splitStrings(payload);
    if (strings.length < 3) fail("EINVAL");
    const domid = parseDomid(strings[0]!);
    if (!/^\d+$/.test(strings[1]!) || !/^-?\d+$/.test(strings[2]!)) fail("EINVAL");
    const gfn = BigInt(strings[1]!);
    const evtchn = Number(strings[2]!);
    if (evtchn <= 0) fail("EINVAL");
    // The privileged domain is always known: introducing it again changes nothing (C).
    if (domid === this.privDomid) return OK;
    const known = this.domains.get(domid);
    if (known) {
      // Re-introduction (resume): rebind the event channel, reset the connection.
      known.evtchn = evtchn;
      if (this.ringProvider?.reconnect) this.ringProvider.reconnect(known);
      else known.conn?.discard();
      this.interfaces.use("event channels");
      return OK;
    }
    const domain: Domain = {
      domid, gfn, evtchn, shutdownNotified: false,
      features: this.domains.pendingFeatures.get(domid) ?? SERVER_FEATURES,
    };
    this.domains.pendingFeatures.delete(domid);
    this.domains.add(domain);
    this.interfaces.use("ring mapping");
    this.interfaces.use("event channels");
    domain.conn = this.ringProvider?.attach(domain) ?? undefined;
    if (domain.conn) domain.conn.features = domain.features;
    this.log("info", `introduced dom${domid} (gfn ${gfn}, evtchn ${evtchn})`);
    this.fireSpecial(INTRODUCE_DOMAIN, domid);
    this.fireSpecial(INTRODUCE_DOMAIN, undefined);
    return OK;
  }

  private doRelease(payload: Uint8Array): Uint8Array {
    const domid = parseDomid(oneArg(payload));
    if (domid === this.privDomid) fail("EINVAL");
    if (!this.domains.has(domid)) fail("ENOENT");
    this.destroyDomain(domid);
    this.fireSpecial(RELEASE_DOMAIN, undefined);
    return OK;
  }

  private doResume(payload: Uint8Array): Uint8Array {
    const domid = parseDomid(oneArg(payload));
    if (domid === this.privDomid) fail("EINVAL"); // C: domid 0 is refused before the lookup
    const domain = this.domains.get(domid) ?? fail("ENOENT");
    domain.shutdownNotified = false;
    return OK;
  }

  private doSetTarget(payload: Uint8Array): Uint8Array {
    const { strings } = splitStrings(payload);
    if (strings.length < 2) fail("EINVAL"); // C ignores further arguments
    const domid = parseDomid(strings[0]!);
    const target = parseDomid(strings[1]!);
    // The privileged domain is always known; giving it a target changes nothing (it may do everything).
    const known = (d: number) => d === this.privDomid || this.domains.has(d);
    if (!known(domid) || !known(target)) fail("ENOENT");
    const domain = this.domains.get(domid);
    if (!domain) return OK;
    domain.target = target;
    // Every connection speaking for the domain (its ring, or in-process peers) acts for the target too.
    for (const c of this.connections) if (c.domid === domain.domid) c.target = target;
    return OK;
  }

  private doIsIntroduced(payload: Uint8Array): Uint8Array {
    const domid = parseDomid(oneArg(payload));
    const yes = domid === DOMID_SELF || domid === this.privDomid || this.domains.has(domid);
    return bytes(yes ? "T\0" : "F\0");
  }

  private doGetDomainPath(payload: Uint8Array): Uint8Array {
    return bytes(`${domainPath(parseDomid(oneArg(payload)))}\0`);
  }

  private doGetFeature(conn: Connection, payload: Uint8Array): Uint8Array {
    if (payload.length === 0) return bytes(`${conn.features}\0`);
    if (!conn.privileged) fail("EACCES");
    const domid = parseDomid(oneArg(payload));
    const features = this.domains.get(domid)?.features ?? this.domains.pendingFeatures.get(domid) ?? fail("ENOENT");
    return bytes(`${features}\0`);
  }

  private doSetFeature(payload: Uint8Array): Uint8Array {
    const [a, b] = args(payload, 2);
    const domid = parseDomid(a!);
    if (!/^\d+$/.test(b!)) fail("EINVAL");
    const value = Number(b);
    if ((value & ~SERVER_FEATURES) !== 0 || value > 0xffffffff) fail("EINVAL");
    if (this.domains.has(domid)) fail("EBUSY");
    this.domains.pendingFeatures.set(domid, value);
    return OK;
  }

  private doGetQuota(payload: Uint8Array): Uint8Array {
    if (payload.length === 0) return bytes(`${this.quotas.names().join(" ")}\0`);
    const { strings, rest } = splitStrings(payload);
    if (rest.length > 0) fail("EINVAL");
    if (strings.length === 1) {
      const name = strings[0]!;
      if (!isQuotaName(name)) fail("EINVAL");
      return bytes(`${this.quotas.get(name as never)}\0`);
    }
    if (strings.length === 2) {
      const domid = parseDomid(strings[0]!);
      const name = strings[1]!;
      if (!isQuotaName(name)) fail("EINVAL");
      if (!this.domains.has(domid)) fail("ENOENT");
      return bytes(`${this.quotas.get(name as never, domid)}\0`);
    }
    return fail("EINVAL");
  }

  private doSetQuota(payload: Uint8Array): Uint8Array {
    const { strings, rest } = splitStrings(payload);
    if (rest.length > 0 || strings.length < 2 || strings.length > 3) fail("EINVAL");
    const domid = strings.length === 3 ? parseDomid(strings[0]!) : undefined;
    const [name, value] = strings.slice(-2) as [string, string];
    if (!isQuotaName(name) || !/^\d+$/.test(value)) fail("EINVAL");
    if (domid !== undefined && !this.domains.has(domid)) fail("ENOENT");
    this.quotas.set(name as never, Number(value), domid);
    return OK;
  }

  /**
   * CONTROL: `help`, `check`, `print`, `quota [set NAME VALUE | DOMID]`,
   * `quota-soft [set memory VALUE]`, `interfaces`. Formats and argument rules as C's
   * control.c (master): an unknown command or a wrong argument count is EINVAL.
   */
  private doControl(payload: Uint8Array): Uint8Array {
    const { strings } = splitStrings(payload);
    const [cmd, ...rest] = strings;
    const noArgs = () => rest.length === 0 || fail("EINVAL");
    switch (cmd) {
      case "help":
        noArgs();
        return bytes(CONTROL_HELP + "\0");
      case "check":
        noArgs();
        return OK;
      case "print":
        if (rest.length !== 1) fail("EINVAL");
        this.log("info", `control: ${rest[0]}`);
        return OK;
      case "interfaces":
        return bytes(this.interfaces.report() + "\n\0");
      case "domain": {
        const result = controlDomain(this.hypervisor, rest);
        return "errno" in result ? fail(result.errno) : bytes(result.text + "\0");
      }
      case "quota":
      case "quota-soft": {
        const soft = cmd === "quota-soft";
        if (rest.length === 0) return bytes(this.quotaSettings(soft) + "\0");
        if (rest[0] === "set") {
          const [, name, value] = rest;
          if (rest.length !== 3 || !/^\d+$/.test(value!) || Number(value) < 1) fail("EINVAL");
          const full = soft ? `soft-${name}` : name!;
          if (soft ? !isQuotaName(full) : !(QUOTA_NAMES as readonly string[]).includes(full)) fail("EINVAL");
          this.quotas.set(full as never, Number(value));
          return OK;
        }
        if (soft || rest.length !== 1) fail("EINVAL");
        const domid = parseDomid(rest[0]!);
        if (!this.domains.has(domid)) fail("ENOENT");
        const lines = QUOTA_NAMES.map((n) => `${n.padEnd(17)}: ${String(this.quotas.get(n, domid)).padStart(8)}`);
        return bytes(`Domain ${domid}:\n${lines.join("\n")}\n\0`);
      }
      default:
        return fail("EINVAL");
    }
  }

  /** `Quota settings:` and one `name: value description` line per enabled quota (C's format). */
  private quotaSettings(soft: boolean): string {
    const lines = QUOTA_NAMES.filter((n) => !soft || n === "memory").map((n) => {
      const value = this.quotas.get((soft ? `soft-${n}` : n) as never);
      return `${n.padEnd(17)}: ${String(value).padStart(8)} ${QUOTA_DESCRIPTIONS[n]}`;
    });
    return `Quota settings:\n${lines.join("\n")}\n`;
  }

  // ── Domain lifecycle ───────────────────────────────────────────────────────────

  /**
   * Tears a domain down: its watches first (so deleting its nodes does not wake it), its
   * ring, every node it owns (with watch events), then `@releaseDomain/<domid>`.
   * The plain `@releaseDomain` is the caller's: one per scan, or per RELEASE.
   */
  destroyDomain(domid: number): void {
    const domain = this.domains.get(domid);
    if (!domain) return;
    if (domain.conn) {
      domain.conn.discard();
      this.connections.delete(domain.conn);
      domain.conn.closed = true;
    }
    this.ringProvider?.detach(domain);
    this.domains.delete(domid);
    this.quotas.dropDomain(domid);
    this.memory.dropDomain(domid);
    for (const path of [...this.store.paths()]) {
      const node = this.store.get(path);
      if (!node || node.perms[0]!.domid !== domid || path === "/") continue;
      for (const ev of removalEvents(this.store, path, removeTree(this.store, path))) this.fireNode(ev.path, ev.kind, ev.readable);
    }
    // Xen 4.22: permission entries naming the dead domain are dropped, so a later domain
    // that reuses the domid inherits nothing.
    for (const path of [...this.store.paths()]) {
      const node = this.store.get(path)!;
      if (node.perms.some((p, i) => i > 0 && p.domid === domid))
        this.store.put(path, { ...node, perms: node.perms.filter((p, i) => i === 0 || p.domid !== domid) });
    }
    this.log("info", `released dom${domid}`);
    this.fireSpecial(RELEASE_DOMAIN, domid);
  }

  /**
   * VIRQ_DOM_EXC: find out which domains changed. Legacy asks the hypervisor about every
   * known domain; the new design drains the changed-domain list. A shutdown is announced
   * once per domain (edge-triggered); a dead domain is torn down; the scan ends with one
   * plain `@releaseDomain` if anything happened.
   */
  onDomainStateChange(): void {
    const hv = this.hypervisor;
    if (!hv) return;
    let notify = false;
    const look = (domain: Domain, state: number) => {
      if (state === 0 || state & (DomainState.DYING | DomainState.DEAD)) {
        this.destroyDomain(domain.domid);
        notify = true;
      } else if (state & DomainState.SHUTDOWN && !domain.shutdownNotified) {
        domain.shutdownNotified = true;
        this.fireSpecial(RELEASE_DOMAIN, domain.domid);
        notify = true;
      }
    };
    if (this.interfaces.design === "legacy") {
      for (const domain of this.domains.all()) {
        this.interfaces.use("domain state");
        look(domain, hv.getinfo(domain.domid)?.state ?? 0);
      }
    } else {
      for (;;) {
        this.interfaces.use("domain state");
        const info = hv.pollChangedDomain();
        if (!info) break;
        const domain = this.domains.get(info.domid);
        if (domain) look(domain, info.state);
      }
    }
    if (notify) this.fireSpecial(RELEASE_DOMAIN, undefined);
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────

  private view(_conn: Connection, tx: Transaction | undefined): NodeAccess {
    return tx ?? this.store;
  }

  rights(conn: Connection, perms: readonly Perm[]): number {
    return rightsOf(conn, perms);
  }

  /** Canonical absolute path of a request argument, or EINVAL. */
  private pathArg(conn: Connection, raw: string, allowSpecial: boolean): string {
    const path = canonicalize(raw, conn.home, allowSpecial) ?? fail("EINVAL");
    if (!conn.privileged && !isSpecial(path)) {
      // path-max counts the part below the domain's home (C's default 2048).
      const below = path.startsWith(conn.home + "/") ? path.length - conn.home.length - 1 : path.length;
      if (this.quotas.exceeds("path-max", conn.domid, below, 0)) fail("EINVAL");
    }
    return path;
  }

  /** An existing node the caller may access with `need`, or the right error. */
  private nodeFor(conn: Connection, view: NodeAccess, path: string, need: number) {
    const node = view.get(path);
    if (!node) return fail(this.hiddenError(conn, view, path, need));
    if (!(this.rights(conn, node.perms) & need)) fail(this.hiddenError(conn, view, path, need));
    return node;
  }

  /**
   * C's information hiding: a missing or forbidden node answers EACCES unless the caller
   * could read the nearest existing ancestor — then ENOENT (missing) or EACCES (forbidden).
   */
  private hiddenError(conn: Connection, view: NodeAccess, path: string, need: number): XsErrno {
    const node = view.get(path);
    if (node) return "EACCES";
    const { node: anc } = nearestExisting(view, path);
    return this.rights(conn, anc.perms) & (need === WRITE ? READ : need) ? "ENOENT" : "EACCES";
  }

  /** Creates `path` (and parents) with `value`, after permission and quota checks. */
  private create(conn: Connection, view: NodeAccess, path: string, value: Uint8Array): void {
    const missing = missingAncestry(view, path);
    const { path: ancPath, node: anc } = nearestExisting(view, path);
    if (!(this.rights(conn, anc.perms) & WRITE)) fail("EACCES");
    if (!conn.privileged) {
      const tx = view instanceof Transaction ? view : undefined;
      if (tx && this.quotas.exceeds("transaction-nodes", conn.domid, tx.accessed, missing.length)) fail("ENOSPC");
      const owned = this.store.ownedBy(conn.domid) + (tx?.ownedDelta.get(conn.domid) ?? 0);
      if (this.quotas.exceeds("nodes", conn.domid, owned, missing.length)) fail("ENOSPC");
      const firstName = missing[0]!.slice(ancPath === "/" ? 1 : ancPath.length + 1);
      this.checkNodeSize(conn, { ...anc, children: [...anc.children, firstName] });
      this.checkNodeSize(conn, { value, perms: anc.perms, children: [] });
    }
    createNodes(view, path, conn, value);
  }

  private checkNodeSize(conn: Connection, node: Parameters<typeof nodeSize>[0]): void {
    if (!conn.privileged && this.quotas.exceeds("node-size", conn.domid, nodeSize(node), 0)) fail("ENOSPC");
  }

  private checkTxNodes(conn: Connection, tx: Transaction | undefined): void {
    if (tx && !conn.privileged && this.quotas.exceeds("transaction-nodes", conn.domid, tx.accessed, 1)) fail("ENOSPC");
  }
}

/** Message types the server knows (others → ENOSYS). */
const HANDLER_NAMES: Record<number, true> = Object.fromEntries(
  [MsgType.CONTROL, MsgType.DIRECTORY, MsgType.READ, MsgType.GET_PERMS, MsgType.WATCH, MsgType.UNWATCH,
    MsgType.TRANSACTION_START, MsgType.TRANSACTION_END, MsgType.INTRODUCE, MsgType.RELEASE,
    MsgType.GET_DOMAIN_PATH, MsgType.WRITE, MsgType.MKDIR, MsgType.RM, MsgType.SET_PERMS,
    MsgType.IS_DOMAIN_INTRODUCED, MsgType.RESUME, MsgType.SET_TARGET, MsgType.RESET_WATCHES,
    MsgType.DIRECTORY_PART, MsgType.GET_FEATURE, MsgType.SET_FEATURE, MsgType.GET_QUOTA,
    MsgType.SET_QUOTA].map((t) => [t, true]),
);

/** `CONTROL help`: one `command parameters` line each, as C prints it (`%-15s %s`). */
export const CONTROL_HELP = [
  ["check", ""],
  DOMAIN_CONTROL_USAGE,
  ["interfaces", ""],
  ["print", "<string>"],
  ["quota", "[set <name> <val>|<domid>]"],
  ["quota-soft", "[set <name> <val>]"],
  ["help", ""],
].map(([cmd, pars]) => `${cmd!.padEnd(15)} ${pars}\n`).join("");

/** The payload must be exactly one NUL-terminated string: one NUL, at the end (C `onearg`). */
function oneArg(payload: Uint8Array): string {
  const last = payload.length - 1;
  if (last < 0 || payload.indexOf(0) !== last) fail("EINVAL");
  return text(payload.subarray(0, last));
}

/** Exactly `n` NUL-terminated strings. */
function args(payload: Uint8Array, n: number): string[] {
  const { strings, rest } = splitStrings(payload);
  if (strings.length !== n || rest.length > 0) fail("EINVAL");
  return strings;
}

/**
 * DIRECTORY_PART's offset as C reads it (atoi into an unsigned int): the leading decimal
 * number, 0 when there is none; a negative one is far past the end of any child list.
 */
function childListOffset(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)/.exec(s)!;
  const n = m[2] === "" ? 0 : Number(m[2]);
  return m[1] === "-" && n > 0 ? Infinity : n;
}

/** A decimal domid of a real domain or DOMID_SELF/DOMID_ANY-range names; else EINVAL (master). */
function parseDomid(s: string): number {
  if (!/^\d{1,5}$/.test(s)) fail("EINVAL");
  const n = Number(s);
  if (n > 0xffff) fail("EINVAL");
  return n;
}

/**
 * The watch events of removing `root`: each removed node in removal order, the root's
 * firing on it and its ancestors, the others only on themselves (C's rm walk).
 */
function removalEvents(view: NodeAccess, root: string, removed: RemovedNode[]): PendingEvent[] {
  return removed.map((r) => r.path === root
    ? { path: r.path, kind: "change", readable: withParent(view, r.path, [r.perms]) }
    : { path: r.path, kind: "removed-descendant", readable: [r.perms] });
}

/** `perms` plus the parent's perms: a watcher that may read either sees the event (C). */
function withParent(view: NodeAccess, path: string, perms: Array<readonly Perm[]>): Array<readonly Perm[]> {
  // A peek, not an access: looking up perms for the event filter must not enter the parent into a transaction's conflict set (C).
  const parentPath = parentOf(path) ?? "/";
  const parent = view instanceof Transaction ? view.peek(parentPath) : view.get(parentPath);
  return parent ? [...perms, parent.perms] : perms;
}
