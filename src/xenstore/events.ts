/**
 * Watches and their events: WATCH and UNWATCH, node events (now, or held by a
 * transaction until commit), special events (@introduceDomain, @releaseDomain), and the
 * permission filter C applies per connection.
 */
import { Feature, MsgType, PAYLOAD_MAX, REL_PATH_MAX } from "./constants.js";
import { joinStrings, splitStrings, type Message } from "./codec.js";
import type { Connection } from "./connection.js";
import { pathArg } from "./access.js";
import { isSpecial, parentOf } from "./paths.js";
import { READ, type Perm } from "./permissions.js";
import { OK, fail } from "./request-args.js";
import type { XenstoreServer } from "./server.js";
import type { NodeAccess, RemovedNode } from "./store.js";
import { Transaction, type PendingEvent } from "./transactions.js";
import { matchNodeEvent, matchSpecialEvent, type Watch } from "./watches.js";

/** WATCH replies itself (its OK must precede the first event), so it returns null. */
export function addWatch(s: XenstoreServer, conn: Connection, msg: Message): null {
  const { strings } = splitStrings(msg.payload); // bytes after the last NUL are ignored (C)
  if (strings.length < 2 || strings.length > 3) fail("EINVAL");
  const [raw, token, rawDepth] = strings as [string, string, string?];
  let depth: number | undefined;
  if (rawDepth !== undefined) {
    if (!(conn.features & Feature.WATCHDEPTH) || !/^\d+$/.test(rawDepth)) fail("EINVAL");
    depth = Number(rawDepth);
  }
  // Any special name is a valid watch (C); only @introduceDomain and @releaseDomain[/domid] ever fire.
  const path = isSpecial(raw) ? (raw.length <= REL_PATH_MAX ? raw : fail("EINVAL")) : pathArg(s, conn, raw);
  if (conn.watches.some((w) => w.path === path && w.token === token)) fail("EEXIST");
  if (!conn.privileged && s.quotas.exceeds("watches", conn.domid, conn.watches.length)) fail("ENOSPC");
  if (!conn.privileged && s.memory.wouldExceed(conn.domid, path.length + token.length)) fail("ENOMEM");
  const watch: Watch = { path, token, relative: !raw.startsWith("/") && !raw.startsWith("@"), depth };
  conn.addWatch(watch);
  s.reply(conn, msg, OK);
  // The first event fires unconditionally, with the path as the client gave it.
  sendEvent(s, conn, raw, token);
  return null;
}

export function removeWatch(conn: Connection, payload: Uint8Array): Uint8Array {
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
function sendEvent(s: XenstoreServer, conn: Connection, path: string, token: string): void {
  const payload = joinStrings([path, token]);
  if (payload.length > PAYLOAD_MAX) {
    s.drops.overlong++;
    return;
  }
  const key = isSpecial(path) ? undefined : `${path}\0${token}`;
  if (!conn.sendEvent({ type: MsgType.WATCH_EVENT, reqId: 0, txId: 0, payload }, key, s.eventCause)) return;
  s.stats.eventsSent++;
  conn.events++;
}

export function anyWatches(s: XenstoreServer): boolean {
  for (const conn of s.connections) if (conn.watches.length > 0) return true;
  return false;
}

/** Queues an event in the transaction (fired on commit), or fires it now. */
export function emit(s: XenstoreServer, tx: Transaction | undefined, ev: PendingEvent): void {
  if (tx) tx.hold(ev);
  else fireNode(s, ev);
}

/** A node changed: the event for its path, plus the parent's perms for the read filter. */
export function nodeChanged(s: XenstoreServer, tx: Transaction | undefined, path: string): void {
  if (!tx && !anyWatches(s)) return; // nobody to tell: skip building the event
  const view = tx ?? s.store;
  const node = view.get(path)!;
  emit(s, tx, { path, kind: "change", readable: withParent(view, path, [node.perms]) });
}

/**
 * Delivers a node event to every matching watch whose connection may read the node or
 * its parent (any of `readable`). C delivers per connection, watches in registration order.
 * Two watches of one connection that report the same path and token give one event: C
 * drops an event identical to one still pending, and the first is pending until the
 * request that caused both has been handled.
 */
export function fireNode(s: XenstoreServer, { path, kind, readable }: PendingEvent): void {
  for (const conn of s.connections) {
    let allowed: boolean | undefined;
    let sent: string[] | undefined;
    for (const w of conn.watches) {
      const reported = matchNodeEvent(w, path, kind, conn.home);
      if (reported === null) continue;
      allowed ??= conn.privileged || readable.some((p) => (s.rights(conn, p) & READ) !== 0);
      if (!allowed) break;
      const key = `${reported}\0${w.token}`;
      if (sent?.includes(key)) {
        s.drops.duplicate++;
        continue;
      }
      (sent ??= []).push(key);
      sendEvent(s, conn, reported, w.token);
    }
  }
}

/** A special event; `domid` undefined = the plain form (see watches.ts). */
export function fireSpecial(s: XenstoreServer, name: string, domid: number | undefined): void {
  const perms = s.specialPerms.get(name)!;
  for (const conn of s.connections) {
    if (!conn.privileged && !(s.rights(conn, perms) & READ)) continue;
    for (const w of conn.watches) {
      const reported = matchSpecialEvent(w, name, domid);
      if (reported === null) continue;
      s.stats.specialEventsSent++;
      sendEvent(s, conn, reported, w.token);
    }
  }
}

/**
 * The watch events of removing `root`: each removed node in removal order, the root's
 * firing on it and its ancestors, the others only on themselves (C's rm walk).
 */
export function removalEvents(view: NodeAccess, root: string, removed: RemovedNode[]): PendingEvent[] {
  return removed.map((r) => r.path === root
    ? { path: r.path, kind: "change", readable: withParent(view, r.path, [r.perms]) }
    : { path: r.path, kind: "removed-descendant", readable: [r.perms] });
}

/** `perms` plus the parent's perms: a watcher that may read either sees the event (C). */
export function withParent(view: NodeAccess, path: string, perms: Array<readonly Perm[]>): Array<readonly Perm[]> {
  // A peek, not an access: looking up perms for the event filter must not enter the parent into a transaction's conflict set (C).
  const parentPath = parentOf(path) ?? "/";
  const parent = view instanceof Transaction ? view.peek(parentPath) : view.get(parentPath);
  return parent ? [...perms, parent.perms] : perms;
}
