/**
 * TRANSACTION_START and TRANSACTION_END: a transaction commits only if nothing it read
 * changed meanwhile (EAGAIN otherwise), and its events fire only at commit.
 */
import { bytes } from "./codec.js";
import type { Connection } from "./connection.js";
import { fireNode } from "./events.js";
import { OK, fail, oneArg } from "./request-args.js";
import type { XenstoreServer } from "./server.js";
import { Transaction } from "./transactions.js";

export function startTransaction(s: XenstoreServer, conn: Connection, tx: Transaction | undefined): Uint8Array {
  if (tx) fail("EBUSY");
  if (!conn.privileged && s.quotas.exceeds("transactions", conn.domid, conn.transactions.size)) fail("ENOSPC");
  const id = conn.allocateTxId();
  conn.openTransaction(new Transaction(id, s.store));
  return bytes(`${id}\0`);
}

export function endTransaction(s: XenstoreServer, conn: Connection, tx: Transaction | undefined, payload: Uint8Array): Uint8Array {
  const arg = oneArg(payload);
  if (arg !== "T" && arg !== "F") fail("EINVAL");
  if (!tx) return fail("ENOENT");
  conn.transactions.delete(tx.id);
  if (arg === "F") return OK;
  if (tx.failed) fail("ENOMEM");
  if (tx.conflicts()) fail("EAGAIN");
  if (!conn.privileged) {
    const owned = s.store.ownedBy(conn.domid) + (tx.ownedDelta.get(conn.domid) ?? 0);
    if (s.quotas.exceeds("nodes", conn.domid, owned, 0)) fail("ENOSPC");
  }
  tx.apply();
  // Events of a transaction appear only now, one per touched node, in access order.
  for (const ev of tx.events()) fireNode(s, ev);
  return OK;
}
