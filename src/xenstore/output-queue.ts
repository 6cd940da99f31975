/**
 * The messages a ring connection has not yet written to its guest, with C xenstored's
 * defences against a guest that stops reading (XSA-326, docs/notes/xenstore.md §3, §5):
 *
 *   - an event identical (path + token) to one already pending is dropped — except the
 *     special `@…` events, whose listeners count on each one;
 *   - an event of an unprivileged connection that waits longer than the watch-event
 *     timeout (C `-w watch-event=`, default 20 s) before its first byte reaches the ring
 *     is dropped;
 *   - queued bytes (16-byte header + payload) are charged to the connection's domain
 *     (`DomainMemory`); an event that would take the domain to its hard memory quota is
 *     dropped. Replies are always queued: the transport stops reading requests instead;
 *   - a privileged connection has no quota in C, and no bound on what waits for a peer
 *     that stops reading; here its events are dropped once `maxBytes` wait (a deliberate
 *     difference: the socket's memory stays bounded whatever a guest makes it watch).
 *
 * Every drop is counted in the shared `EventDrops`. The transport drains the queue into
 * the ring as space allows (`drain`), in order, a message possibly split across rounds.
 */
import type { EventCause } from "./outstanding.js";
import type { DomainMemory } from "./quota.js";

/** Why watch events were not delivered, counted server-wide. */
export interface EventDrops {
  /** Identical to an event already pending for the connection. */
  duplicate: number;
  /** Pending unread longer than the watch-event timeout. */
  timeout: number;
  /** The receiving domain was at its hard memory quota. */
  memory: number;
  /** Path + token over 4096 bytes: never sent (C xenstored). */
  overlong: number;
  /** A privileged peer already had `maxBytes` unsent (not in C, which has no bound there). */
  backlog: number;
}

export const newEventDrops = (): EventDrops => ({ duplicate: 0, timeout: 0, memory: 0, overlong: 0, backlog: 0 });

/** C xenstored's default watch-event timeout. */
export const WATCH_EVENT_TIMEOUT_MS = 20_000;

export interface QueuePolicy {
  domid: number;
  /** Privileged connections have no timeout and no memory quota (C). */
  privileged: boolean;
  memory: DomainMemory;
  drops: EventDrops;
  /** 0 disables the timeout. */
  timeoutMs: number;
  /** Privileged connections: queued bytes beyond which events are dropped (default: no bound). */
  maxBytes?: number;
  now?: () => number;
}

interface Pending {
  bytes: Uint8Array;
  /** The event's payload as a string, for duplicate detection; undefined for replies and special events. */
  key?: string;
  /** When an unread event expires (ms, policy clock); 0 = never. */
  deadline: number;
  /** The request that caused this event, outstanding for its domain while the event waits. */
  cause?: EventCause;
  reply?: true;
}

export class OutputQueue {
  private items: Pending[] = [];
  /** Bytes of items[0] already written to the ring. */
  private written = 0;
  private charged = 0;
  /** Replies among the items: C's `outstanding` counts these for the connection's own domain. */
  private replies = 0;
  /** How many pending events carry each dedup key: the duplicate check is O(1). */
  private readonly keys = new Map<string, number>();
  private timer?: ReturnType<typeof setTimeout>;
  private readonly now: () => number;

  constructor(private readonly policy: QueuePolicy) {
    this.now = policy.now ?? (() => performance.now());
  }

  /** Messages waiting, the partly written head included. */
  get length(): number {
    return this.items.length;
  }

  /** Bytes waiting (headers included). */
  get bytes(): number {
    return this.charged;
  }

  /** Replies waiting (events excluded). */
  get pendingReplies(): number {
    return this.replies;
  }

  pushReply(encoded: Uint8Array): void {
    this.replies++;
    this.add({ bytes: encoded, deadline: 0, reply: true });
  }

  /** Queues an event unless a defence drops it; returns whether it was queued. */
  pushEvent(encoded: Uint8Array, key: string | undefined, cause?: EventCause): boolean {
    const { drops, memory, privileged, domid, timeoutMs } = this.policy;
    this.expire();
    if (key !== undefined && this.keys.has(key)) {
      drops.duplicate++;
      return false;
    }
    if (!privileged && !memory.admit(domid, encoded.length)) {
      drops.memory++;
      return false;
    }
    if (privileged && this.charged + encoded.length > (this.policy.maxBytes ?? Infinity)) {
      drops.backlog++;
      return false;
    }
    const deadline = !privileged && timeoutMs > 0 ? this.now() + timeoutMs : 0;
    this.add({ bytes: encoded, key, deadline, cause });
    if (deadline !== 0) this.armTimer(timeoutMs);
    return true;
  }

  /**
   * Writes queued bytes with `write` (returns how many it took) until it takes less than
   * offered; returns whether anything was written.
   */
  drain(write: (b: Uint8Array) => number): boolean {
    this.expire();
    let wrote = false;
    while (this.items.length > 0) {
      const head = this.items[0]!;
      const n = write(head.bytes.subarray(this.written));
      if (n > 0) wrote = true;
      this.written += n;
      if (this.written < head.bytes.length) break;
      this.items.shift();
      this.written = 0;
      this.forget(head);
    }
    return wrote;
  }

  /** Drops everything (ring reset, connection gone) and returns the memory. */
  clear(): void {
    for (const p of this.items) this.forget(p);
    this.items = [];
    this.written = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops events whose deadline passed; a partly written head is kept (C). */
  expire(): void {
    const now = this.now();
    let dropped = 0;
    this.items = this.items.filter((p, i) => {
      const dead = p.deadline !== 0 && p.deadline <= now && !(i === 0 && this.written > 0);
      if (dead) {
        dropped++;
        this.forget(p);
      }
      return !dead;
    });
    this.policy.drops.timeout += dropped;
  }

  private add(p: Pending): void {
    this.items.push(p);
    if (p.key !== undefined) this.keys.set(p.key, (this.keys.get(p.key) ?? 0) + 1);
    p.cause?.hold();
    this.charged += p.bytes.length;
    if (!this.policy.privileged) this.policy.memory.add(this.policy.domid, p.bytes.length);
  }

  /** A message left the queue (written or dropped). */
  private forget(p: Pending): void {
    if (p.key !== undefined) {
      const n = this.keys.get(p.key)! - 1;
      if (n === 0) this.keys.delete(p.key);
      else this.keys.set(p.key, n);
    }
    if (p.reply) this.replies--;
    this.uncharge(p.bytes.length);
    p.cause?.release();
  }

  private uncharge(n: number): void {
    this.charged -= n;
    if (!this.policy.privileged) this.policy.memory.add(this.policy.domid, -n);
  }

  /** Expires events even while nothing else happens, so their memory comes back. */
  private armTimer(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expire();
      if (this.items.some((p) => p.deadline !== 0)) this.armTimer(ms);
    }, ms + 1);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
