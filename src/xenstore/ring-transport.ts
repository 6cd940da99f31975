/**
 * The shared-memory ring transport, server side. A guest's page is "mapped" the way its
 * design says (interfaces.ts): the new designs look it up by grant reference 1
 * (GNTTAB_RESERVED_XENSTORE) of the introduced domain, the legacy design by the gfn that
 * INTRODUCE carried (foreign mapping). `seed` plays the domain builder, which puts the
 * store page in both places. Runs wherever SharedArrayBuffer and Atomics.waitAsync do.
 */
import { GNTTAB_RESERVED_XENSTORE, PAYLOAD_MAX } from "./constants.js";
import { MessageFramer, type Message } from "./codec.js";
import type { Connection } from "./connection.js";
import type { OutputQueue } from "./output-queue.js";
import type { Domain, RingProvider } from "./domains.js";
import { EventChannel, RingError, RingPage, XENSTORE_CONNECTED, XENSTORE_RECONNECT } from "./ring.js";
import type { XenstoreServer } from "./server.js";

export interface GuestRing {
  page: RingPage;
  evtchn: EventChannel;
}

export class RingTransport implements RingProvider {
  /** Grant tables: domid → (grant ref → page). Only ref 1 is used. */
  private readonly grants = new Map<number, Map<number, GuestRing>>();
  /** Guest frames, for foreign mapping: gfn → page. */
  private readonly frames = new Map<bigint, GuestRing>();
  private readonly served = new Map<number, RingServer>();

  constructor(private readonly server: XenstoreServer) {
    server.ringProvider = this;
    // A guest held back by events it caused may be read again once they are gone.
    server.causedEvents.onRelease = (domid) => this.served.get(domid)?.kick();
  }

  /** The domain builder: the store page becomes grant 1 of `domid` and frame `gfn`. */
  seed(domid: number, gfn: bigint, ring: GuestRing): void {
    const table = this.grants.get(domid) ?? new Map<number, GuestRing>();
    table.set(GNTTAB_RESERVED_XENSTORE, ring);
    this.grants.set(domid, table);
    this.frames.set(gfn, ring);
  }

  attach(domain: Domain): Connection | null {
    const ring = this.server.interfaces.design !== "legacy"
      ? this.grants.get(domain.domid)?.get(GNTTAB_RESERVED_XENSTORE)
      : this.frames.get(domain.gfn);
    if (!ring) return null;
    const rs = new RingServer(this.server, domain, ring);
    this.served.set(domain.domid, rs);
    return rs.connection;
  }

  /** Re-INTRODUCE (resume): the ring starts afresh, as C's domain_conn_reset does. */
  reconnect(domain: Domain): void {
    this.served.get(domain.domid)?.restart();
  }

  detach(domain: Domain): void {
    this.served.get(domain.domid)?.stop();
    this.served.delete(domain.domid);
  }

  /** Stops serving every ring (for shutdown and tests). */
  close(): void {
    for (const rs of this.served.values()) rs.stop();
    this.served.clear();
  }
}

/**
 * Serves one guest's page: pumps requests in on each notification, and writes replies
 * and watch events out as soon as they are queued (a guest blocked waiting for a watch
 * event must get it without sending anything), as far as the response ring has room.
 */
class RingServer {
  readonly connection: Connection;
  private readonly output: OutputQueue;
  private framer = new MessageFramer();
  private stopped = false;
  /** Inside pump(): output is flushed at the end of the round, not per message. */
  private pumping = false;
  /** The last round stopped reading at a quota: a kick() resumes it. */
  private throttled = false;
  /**
   * Requests read from the ring but not yet handled because a quota said stop: at most one
   * ring's worth (1024 bytes). `overlong`: the framer met a length over 4096 after them.
   */
  private backlog: Message[] = [];
  private overlong = false;

  constructor(private readonly server: XenstoreServer, domain: Domain, private readonly ring: GuestRing) {
    const { page } = ring;
    // INTRODUCE starts the ring afresh and advertises the domain's features.
    page.resetIndexes();
    page.error = RingError.NONE;
    page.connection = XENSTORE_CONNECTED;
    page.serverFeatures = domain.features;
    this.connection = server.connect({
      domid: domain.domid,
      privileged: domain.domid === server.privDomid,
      label: `ring dom${domain.domid}`,
      wake: () => this.deliver(),
      close: () => this.stop(),
    });
    this.output = this.connection.output!;
    void this.loop();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ring.evtchn.notify(EventChannel.TO_SERVER); // wake the loop so it can end
  }

  private async loop(): Promise<void> {
    let seen = this.ring.evtchn.seen(EventChannel.TO_SERVER);
    while (!this.stopped) {
      this.pump();
      if (this.stopped) break;
      seen = await this.ring.evtchn.wait(EventChannel.TO_SERVER, seen);
    }
  }

  /** Drops partial packets, queues, watches and transactions; both indexes back to 0. */
  restart(): void {
    this.framer = new MessageFramer();
    this.backlog = [];
    this.overlong = false;
    this.connection.discard();
    this.ring.page.resetIndexes();
    this.ring.page.connection = XENSTORE_CONNECTED;
    this.ring.evtchn.notify(EventChannel.TO_GUEST);
  }

  /** Something that held this guest back went away: run a round soon (never nested). */
  kick(): void {
    if (!this.throttled) return;
    this.throttled = false;
    queueMicrotask(() => {
      if (!this.stopped && !this.pumping) this.pump();
    });
  }

  /** A message was queued: outside a pump round, write it now and notify the guest. */
  private deliver(): void {
    if (this.pumping || this.stopped) return;
    if (this.flush()) this.ring.evtchn.notify(EventChannel.TO_GUEST);
  }

  private pump(): void {
    this.pumping = true;
    try {
      this.round();
    } finally {
      this.pumping = false;
    }
  }

  /** One round: reconnect requests, queued output, then every complete request. */
  private round(): void {
    const { page } = this.ring;
    let moved = false;
    if (page.connection === XENSTORE_RECONNECT) return this.restart(); // the guest asks for a clean slate
    moved = this.flush() || moved; // the guest may have made room since last time
    for (;;) {
      // Requests are taken one at a time, each only while the quotas allow (C's can_read).
      while (this.backlog.length > 0) {
        if (this.stopped) return;
        if (!this.mayRead()) {
          this.throttled = true;
          break;
        }
        this.handle(this.backlog.shift()!);
      }
      if (this.stopped) return;
      if (this.backlog.length > 0) break;
      if (this.overlong) return this.broken(RingError.PROTO, `request longer than ${PAYLOAD_MAX} bytes`);
      const avail = page.req.available();
      if (avail < 0) return this.broken(RingError.RINGIDX, "ring indexes out of range");
      if (avail === 0) break;
      ({ messages: this.backlog, overlong: this.overlong } = this.framer.push(page.req.read()));
      moved = true;
      moved = this.flush() || moved;
    }
    moved = this.flush() || moved;
    if (moved) this.ring.evtchn.notify(EventChannel.TO_GUEST);
  }

  private handle(m: Message): void {
    // The events this request fires count as outstanding for this domain (outstanding.ts).
    this.server.eventCause = this.connection.privileged ? undefined : this.server.causedEvents.ticket(this.connection.domid);
    try {
      this.server.handle(this.connection, m);
    } finally {
      this.server.eventCause = undefined;
    }
  }

  /**
   * C stops reading a guest's requests while too many of them are outstanding (their
   * replies unread here, or events they caused unread elsewhere: `outstanding` quota) or
   * its domain is at the hard memory quota.
   */
  private mayRead(): boolean {
    const { privileged, domid } = this.connection;
    if (privileged) return true;
    const outstanding = this.output.pendingReplies + this.server.causedEvents.of(domid);
    // Reading one more request would make it outstanding too (C: stop at count >= quota).
    return !this.server.quotas.exceeds("outstanding", domid, outstanding, 1) && !this.server.memory.atHardQuota(domid);
  }

  /** Moves queued messages into the response ring; the rest waits for the guest to consume. */
  private flush(): boolean {
    // rsp_cons is the guest's to move; past rsp_prod (or > 1024 behind) the ring is broken.
    if (this.ring.page.rsp.available() < 0) {
      this.broken(RingError.RINGIDX, "response ring indexes out of range");
      return false;
    }
    return this.output.drain((b) => this.ring.page.rsp.write(b));
  }

  /** C xenstored sets the ring's error field and ignores the connection from then on. */
  private broken(error: number, why: string): void {
    this.ring.page.error = error;
    this.ring.evtchn.notify(EventChannel.TO_GUEST);
    this.server.protocolViolation(this.connection, why);
    this.stop();
  }
}
