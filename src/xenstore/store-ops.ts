/**
 * The store requests: READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET_PERMS and
 * SET_PERMS, inside a transaction or on the store, with C xenstored's error choices.
 */
import { PAYLOAD_MAX } from "./constants.js";
import { bytes, joinStrings, keepable, splitStrings, text } from "./codec.js";
import type { Connection } from "./connection.js";
import { checkNodeSize, checkTxNodes, create, hiddenError, nodeFor, pathArg, viewOf } from "./access.js";
import { anyWatches, emit, nodeChanged, removalEvents, withParent } from "./events.js";
import { isSpecial, parentOf } from "./paths.js";
import { OWNER, READ, WRITE, formatPerm, parsePerm } from "./permissions.js";
import { OK, args, childListOffset, fail, oneArg } from "./request-args.js";
import type { XenstoreServer } from "./server.js";
import { EMPTY, StaleChildListError, childListBytes, removeTree, setPerms, setValue, type NodeAccess, type RemovedNode } from "./store.js";
import type { Transaction } from "./transactions.js";

type Tx = Transaction | undefined;

/** The node at `path` if it exists, when the caller may write it; undefined if it does not exist. */
function writableIfExists(s: XenstoreServer, conn: Connection, view: NodeAccess, path: string) {
  const existing = view.get(path);
  if (existing && !(s.rights(conn, existing.perms) & WRITE)) fail(hiddenError(s, conn, view, path, WRITE));
  return existing;
}

export function readNode(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const path = pathArg(s, conn, oneArg(payload));
  return nodeFor(s, conn, viewOf(s, tx), path, READ).value;
}

export function writeNode(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const nul = payload.indexOf(0);
  if (nul < 0) fail("EINVAL");
  return put(s, conn, tx, pathArg(s, conn, text(payload.subarray(0, nul))), keepable(payload.subarray(nul + 1)));
}

export function makeDirectory(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  return put(s, conn, tx, pathArg(s, conn, oneArg(payload)));
}

/** WRITE with a value; MKDIR without one, where an existing node keeps its value and nothing fires. */
function put(s: XenstoreServer, conn: Connection, tx: Tx, path: string, value?: Uint8Array): Uint8Array {
  const view = viewOf(s, tx);
  const existing = writableIfExists(s, conn, view, path);
  if (existing && value === undefined) return OK;
  if (existing) {
    if (!conn.privileged) checkNodeSize(s, conn, { ...existing, value: value! });
    setValue(view, path, value!);
  } else {
    create(s, conn, view, path, value ?? EMPTY);
  }
  nodeChanged(s, tx, path);
  return OK;
}

export function removeNode(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const path = pathArg(s, conn, oneArg(payload));
  const view = viewOf(s, tx);
  const node = view.get(path);
  if (!node) {
    // Missing node: EACCES if its surroundings are hidden from the caller, else OK when
    // the parent exists (nothing to do) and ENOENT when it does not (C do_rm).
    if (hiddenError(s, conn, view, path, WRITE) === "EACCES") fail("EACCES");
    if (view.get(parentOf(path)!)) return OK;
    fail("ENOENT");
  }
  if (!(s.rights(conn, node.perms) & WRITE)) fail(hiddenError(s, conn, view, path, WRITE));
  if (path === "/") fail("EINVAL");
  // A transaction's copy may lack the parent (it saw it missing before an outside create): EINVAL (C).
  if (!view.get(parentOf(path)!)) fail("EINVAL");
  checkTxNodes(s, conn, tx);
  let removed: RemovedNode[];
  try {
    removed = removeTree(view, path);
  } catch (e) {
    if (e instanceof StaleChildListError) fail("EIO"); // a stale copy in a transaction (C)
    throw e;
  }
  if (tx || anyWatches(s)) for (const ev of removalEvents(view, path, removed)) emit(s, tx, ev);
  return OK;
}

export function listDirectory(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const path = pathArg(s, conn, oneArg(payload));
  return childListBytes(nodeFor(s, conn, viewOf(s, tx), path, READ));
}

/**
 * A chunk of the child list from a byte offset: `gen\0` then whole child names; the
 * last chunk carries one more NUL so the client knows it has everything. The client
 * restarts from 0 if the generation changes between chunks.
 */
export function listDirectoryPart(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const [rawPath, rawOffset] = args(payload, 2);
  const path = pathArg(s, conn, rawPath!);
  const node = nodeFor(s, conn, viewOf(s, tx), path, READ);
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

export function getPerms(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const raw = oneArg(payload);
  if (isSpecial(raw)) {
    const perms = s.specialPerms.get(raw) ?? fail("EINVAL");
    if (!(s.rights(conn, perms) & READ)) fail("EACCES");
    return joinStrings(perms.map(formatPerm));
  }
  const path = pathArg(s, conn, raw);
  const node = nodeFor(s, conn, viewOf(s, tx), path, READ);
  return joinStrings(node.perms.map(formatPerm));
}

export function setNodePerms(s: XenstoreServer, conn: Connection, tx: Tx, payload: Uint8Array): Uint8Array {
  const { strings } = splitStrings(payload); // bytes after the last NUL are ignored (C)
  if (strings.length < 2) fail("EINVAL");
  const [raw, ...permStrings] = strings as [string, ...string[]];
  const perms = permStrings.map((p) => parsePerm(p) ?? fail("EINVAL"));
  if (!conn.privileged && s.quotas.exceeds("node-permissions", conn.domid, perms.length, 0)) fail("ENOSPC");
  if (isSpecial(raw)) {
    const old = s.specialPerms.get(raw) ?? fail("EINVAL");
    if ((s.rights(conn, old) & (WRITE | OWNER)) !== (WRITE | OWNER)) fail("EACCES");
    s.specialPerms.set(raw, perms);
    return OK;
  }
  const path = pathArg(s, conn, raw);
  const view = viewOf(s, tx);
  const node = nodeFor(s, conn, view, path, WRITE);
  if (!(s.rights(conn, node.perms) & OWNER)) fail("EACCES");
  // XSA-115: only the privileged domain may hand a node to another owner.
  if (!conn.privileged && perms[0]!.domid !== node.perms[0]!.domid) fail("EPERM");
  checkNodeSize(s, conn, { ...node, perms });
  checkTxNodes(s, conn, tx);
  setPerms(view, path, perms);
  // Watchers that could read the node before *or* after the change see it (C).
  emit(s, tx, { path, kind: "change", readable: withParent(view, path, [perms, node.perms]) });
  return OK;
}
