/**
 * The checks a store request passes before it touches a node: the path argument, the
 * caller's rights (with C's information hiding) and the quotas of unprivileged domains.
 */
import type { XsErrno } from "./constants.js";
import type { Connection } from "./connection.js";
import { canonicalize, isSpecial } from "./paths.js";
import { READ, WRITE } from "./permissions.js";
import { fail } from "./request-args.js";
import type { XenstoreServer } from "./server.js";
import { createNodes, missingAncestry, nearestExisting, nodeSize, type NodeAccess } from "./store.js";
import { Transaction } from "./transactions.js";

/** What a request reads and writes: its transaction's copy, or the store itself. */
export function viewOf(s: XenstoreServer, tx: Transaction | undefined): NodeAccess {
  return tx ?? s.store;
}

/** Canonical absolute path of a request argument, or EINVAL. */
export function pathArg(s: XenstoreServer, conn: Connection, raw: string): string {
  const path = canonicalize(raw, conn.home, false) ?? fail("EINVAL");
  if (!conn.privileged && !isSpecial(path)) {
    // path-max counts the part below the domain's home (C's default 2048).
    const below = path.startsWith(conn.home + "/") ? path.length - conn.home.length - 1 : path.length;
    if (s.quotas.exceeds("path-max", conn.domid, below, 0)) fail("EINVAL");
  }
  return path;
}

/** An existing node the caller may access with `need`, or the right error. */
export function nodeFor(s: XenstoreServer, conn: Connection, view: NodeAccess, path: string, need: number) {
  const node = view.get(path);
  if (!node) return fail(hiddenError(s, conn, view, path, need));
  if (!(s.rights(conn, node.perms) & need)) fail(hiddenError(s, conn, view, path, need));
  return node;
}

/**
 * C's information hiding: a missing or forbidden node answers EACCES unless the caller
 * could read the nearest existing ancestor — then ENOENT (missing) or EACCES (forbidden).
 */
export function hiddenError(s: XenstoreServer, conn: Connection, view: NodeAccess, path: string, need: number): XsErrno {
  const node = view.get(path);
  if (node) return "EACCES";
  const { node: anc } = nearestExisting(view, path);
  return s.rights(conn, anc.perms) & (need === WRITE ? READ : need) ? "ENOENT" : "EACCES";
}

/** Creates `path` (and parents) with `value`, after permission and quota checks. */
export function create(s: XenstoreServer, conn: Connection, view: NodeAccess, path: string, value: Uint8Array): void {
  const missing = missingAncestry(view, path);
  const { path: ancPath, node: anc } = nearestExisting(view, path);
  if (!(s.rights(conn, anc.perms) & WRITE)) fail("EACCES");
  if (!conn.privileged) {
    const tx = view instanceof Transaction ? view : undefined;
    if (tx && s.quotas.exceeds("transaction-nodes", conn.domid, tx.accessed, missing.length)) fail("ENOSPC");
    const owned = s.store.ownedBy(conn.domid) + (tx?.ownedDelta.get(conn.domid) ?? 0);
    if (s.quotas.exceeds("nodes", conn.domid, owned, missing.length)) fail("ENOSPC");
    const firstName = missing[0]!.slice(ancPath === "/" ? 1 : ancPath.length + 1);
    checkNodeSize(s, conn, { ...anc, children: [...anc.children, firstName] });
    checkNodeSize(s, conn, { value, perms: anc.perms, children: [] });
  }
  createNodes(view, path, conn, value);
}

export function checkNodeSize(s: XenstoreServer, conn: Connection, node: Parameters<typeof nodeSize>[0]): void {
  if (!conn.privileged && s.quotas.exceeds("node-size", conn.domid, nodeSize(node), 0)) fail("ENOSPC");
}

export function checkTxNodes(s: XenstoreServer, conn: Connection, tx: Transaction | undefined): void {
  if (tx && !conn.privileged && s.quotas.exceeds("transaction-nodes", conn.domid, tx.accessed, 1)) fail("ENOSPC");
}
