/**
 * The guest end of a ring: an XsClient whose bytes go through the shared page. Works in
 * a worker thread or in the same thread as the server (it never blocks: it waits with
 * Atomics.waitAsync).
 */
import { XsClient } from "./client.js";
import { EventChannel, RingPage } from "./ring.js";

export class RingGuest {
  readonly client: XsClient;
  private pending: Uint8Array[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(readonly page: RingPage, readonly evtchn: EventChannel) {
    this.client = new XsClient((b) => {
      this.pending.push(b.slice());
      this.pump();
    });
    this.done = this.loop();
  }

  /** Stops waiting for notifications. */
  async close(): Promise<void> {
    this.stopped = true;
    this.evtchn.notify(EventChannel.TO_GUEST);
    await this.done;
  }

  private async loop(): Promise<void> {
    let seen = this.evtchn.seen(EventChannel.TO_GUEST);
    while (!this.stopped) {
      this.pump();
      seen = await this.evtchn.wait(EventChannel.TO_GUEST, seen);
    }
  }

  private pump(): void {
    let moved = false;
    for (;;) {
      const got = this.page.rsp.read();
      if (got.length === 0) break;
      moved = true;
      this.client.feed(got);
    }
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      const n = this.page.req.write(head);
      if (n > 0) moved = true;
      if (n === head.length) this.pending.shift();
      else {
        this.pending[0] = head.subarray(n);
        break;
      }
    }
    if (moved) this.evtchn.notify(EventChannel.TO_SERVER);
  }
}
