/**
 * A guest domain as a worker thread: maps the shared page from `workerData`, runs a list
 * of requests over the ring and posts back each outcome ("OK:<reply>" or the error).
 * Used by the ring tests; also a template for a guest living in another thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { XsReplyError } from "./client.js";
import { EventChannel, RingPage } from "./ring.js";
import { RingGuest } from "./ring-guest.js";

export interface GuestScript {
  page: SharedArrayBuffer;
  evtchn: SharedArrayBuffer;
  /** [message type, NUL-separated arguments] to send one after another. */
  requests: Array<[number, string[]]>;
}

async function main(): Promise<void> {
  const data = workerData as GuestScript;
  // A pending Atomics.waitAsync does not keep a thread's event loop alive: hold it open.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const guest = new RingGuest(new RingPage(data.page), new EventChannel(data.evtchn));
  const outcomes: string[] = [];
  for (const [type, parts] of data.requests) {
    try {
      outcomes.push(`OK:${(await guest.client.call(type, parts)).replace(/\0/g, "|")}`);
    } catch (e) {
      outcomes.push(e instanceof XsReplyError ? e.errno : String(e));
    }
  }
  await guest.close();
  clearInterval(keepAlive);
  parentPort!.postMessage({ outcomes, features: guest.page.serverFeatures });
}

void main();
