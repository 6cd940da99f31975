/**
 * Every request type the server answers, stated once: its handler, whether it needs the
 * privileged domain (checked before the transaction lookup, as C) and whether it runs in
 * the transaction its header names (the others ignore tx_id). A type not listed here —
 * RESTRICT, WATCH_EVENT, ERROR, or any unknown number — is answered ENOSYS.
 */
import { MsgType, type MsgTypeName } from "./constants.js";
import type { Message } from "./codec.js";
import type { Connection } from "./connection.js";
import { control, getQuota, setQuota } from "./control-ops.js";
import {
  getDomainPath, getFeature, introduceDomain, isIntroduced, releaseDomain, resumeDomain, setFeature, setTarget,
} from "./domain-ops.js";
import { addWatch, removeWatch } from "./events.js";
import { OK } from "./request-args.js";
import type { XenstoreServer } from "./server.js";
import {
  getPerms, listDirectory, listDirectoryPart, makeDirectory, readNode, removeNode, setNodePerms, writeNode,
} from "./store-ops.js";
import { endTransaction, startTransaction } from "./transaction-ops.js";
import type { Transaction } from "./transactions.js";

export interface Request {
  /** The success payload, or null when the handler already replied (WATCH). */
  run(s: XenstoreServer, conn: Connection, tx: Transaction | undefined, msg: Message): Uint8Array | null;
  privileged: boolean;
  transactional: boolean;
}

/** Types only the server sends, and XS_RESTRICT, which Xen removed. */
type NotARequest = "WATCH_EVENT" | "ERROR" | "RESTRICT";
export type RequestName = Exclude<MsgTypeName, NotARequest>;

const any = (run: Request["run"]): Request => ({ run, privileged: false, transactional: true });
const privileged = (run: Request["run"]): Request => ({ run, privileged: true, transactional: true });

export const REQUESTS: Readonly<Record<RequestName, Request>> = {
  READ: any((s, c, tx, m) => readNode(s, c, tx, m.payload)),
  WRITE: any((s, c, tx, m) => writeNode(s, c, tx, m.payload)),
  MKDIR: any((s, c, tx, m) => makeDirectory(s, c, tx, m.payload)),
  RM: any((s, c, tx, m) => removeNode(s, c, tx, m.payload)),
  DIRECTORY: any((s, c, tx, m) => listDirectory(s, c, tx, m.payload)),
  DIRECTORY_PART: any((s, c, tx, m) => listDirectoryPart(s, c, tx, m.payload)),
  GET_PERMS: any((s, c, tx, m) => getPerms(s, c, tx, m.payload)),
  SET_PERMS: any((s, c, tx, m) => setNodePerms(s, c, tx, m.payload)),
  WATCH: { run: (s, c, _tx, m) => addWatch(s, c, m), privileged: false, transactional: false },
  UNWATCH: { run: (_s, c, _tx, m) => removeWatch(c, m.payload), privileged: false, transactional: false },
  RESET_WATCHES: any((_s, c) => {
    c.reset();
    return OK;
  }),
  TRANSACTION_START: any((s, c, tx) => startTransaction(s, c, tx)),
  TRANSACTION_END: any((s, c, tx, m) => endTransaction(s, c, tx, m.payload)),
  GET_DOMAIN_PATH: any((_s, _c, _tx, m) => getDomainPath(m.payload)),
  GET_FEATURE: any((s, c, _tx, m) => getFeature(s, c, m.payload)),
  INTRODUCE: privileged((s, _c, _tx, m) => introduceDomain(s, m.payload)),
  RELEASE: privileged((s, _c, _tx, m) => releaseDomain(s, m.payload)),
  RESUME: privileged((s, _c, _tx, m) => resumeDomain(s, m.payload)),
  SET_TARGET: privileged((s, _c, _tx, m) => setTarget(s, m.payload)),
  IS_DOMAIN_INTRODUCED: privileged((s, _c, _tx, m) => isIntroduced(s, m.payload)),
  SET_FEATURE: privileged((s, _c, _tx, m) => setFeature(s, m.payload)),
  GET_QUOTA: privileged((s, _c, _tx, m) => getQuota(s, m.payload)),
  SET_QUOTA: privileged((s, _c, _tx, m) => setQuota(s, m.payload)),
  CONTROL: privileged((s, _c, _tx, m) => control(s, m.payload)),
};

/** REQUESTS by wire number. */
const BY_TYPE = new Map<number, Request>(
  (Object.entries(REQUESTS) as Array<[RequestName, Request]>).map(([name, request]) => [MsgType[name], request]),
);

/** The request of a wire type, or undefined (ENOSYS). */
export function requestOf(type: number): Request | undefined {
  return BY_TYPE.get(type);
}
