/**
 * C xenstored's `outstanding` quota counts, per unprivileged domain, its requests that
 * are not finished: the reply not yet consumed, or a watch event the request caused still
 * waiting in someone's queue (XSA-326). So a guest that makes events for a guest that does
 * not read is itself throttled: at the quota (20) its ring is not read until those events
 * are read, dropped or expire. This file keeps the second half, the caused events; each
 * ring counts its own unread replies.
 */

/** Requests per domain that have events still waiting somewhere. */
export class CausedEvents {
  private readonly perDomain = new Map<number, number>();
  /** Called when a domain's count falls: its ring may be read again. */
  onRelease?: (domid: number) => void;

  of(domid: number): number {
    return this.perDomain.get(domid) ?? 0;
  }

  /** A ticket for the request now running for `domid`, shared by the events it causes. */
  ticket(domid: number): EventCause {
    return new EventCause(domid, this);
  }

  change(domid: number, delta: 1 | -1): void {
    const n = this.of(domid) + delta;
    if (n === 0) this.perDomain.delete(domid);
    else this.perDomain.set(domid, n);
    if (delta < 0) this.onRelease?.(domid);
  }
}

/** One request's pending events: it is outstanding while any of them waits. */
export class EventCause {
  private pending = 0;
  constructor(readonly domid: number, private readonly counter: CausedEvents) {}

  hold(): void {
    if (this.pending++ === 0) this.counter.change(this.domid, 1);
  }

  release(): void {
    if (--this.pending === 0) this.counter.change(this.domid, -1);
  }
}
