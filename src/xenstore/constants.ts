/**
 * Numbers of the xenstore wire protocol and of Xen's domain ids, named once.
 * Provenance: xen/include/public/io/xs_wire.h and xen/include/public/xen.h
 * (xen-project/xen master c447b73), restated; see docs/notes/xenstore.md §1–§2, §6.
 */

/** Message types (`enum xsd_sockmsg_type`). 15/16 only travel server → client. */
export const MsgType = {
  CONTROL: 0,
  DIRECTORY: 1,
  READ: 2,
  GET_PERMS: 3,
  WATCH: 4,
  UNWATCH: 5,
  TRANSACTION_START: 6,
  TRANSACTION_END: 7,
  INTRODUCE: 8,
  RELEASE: 9,
  GET_DOMAIN_PATH: 10,
  WRITE: 11,
  MKDIR: 12,
  RM: 13,
  SET_PERMS: 14,
  WATCH_EVENT: 15,
  ERROR: 16,
  IS_DOMAIN_INTRODUCED: 17,
  RESUME: 18,
  SET_TARGET: 19,
  /** XS_RESTRICT, removed from Xen: always answered ENOSYS. */
  RESTRICT: 20,
  RESET_WATCHES: 21,
  DIRECTORY_PART: 22,
  GET_FEATURE: 23,
  SET_FEATURE: 24,
  GET_QUOTA: 25,
  SET_QUOTA: 26,
} as const;
export type MsgTypeName = keyof typeof MsgType;

const NAMES: string[] = [];
for (const [name, value] of Object.entries(MsgType)) NAMES[value] = name;
/** "READ" for 2, "TYPE_99" for an unknown type (for logs). */
export function msgTypeName(type: number): string {
  return NAMES[type] ?? `TYPE_${type}`;
}

/**
 * Error strings as transmitted (`xsd_errors[]`). Clients map them back to errno by
 * table lookup; anything not in the table becomes EINVAL on the client side.
 */
export type XsErrno =
  | "EINVAL" | "EACCES" | "EEXIST" | "EISDIR" | "ENOENT" | "ENOMEM" | "ENOSPC" | "EIO"
  | "ENOTEMPTY" | "ENOSYS" | "EROFS" | "EBUSY" | "EAGAIN" | "EISCONN" | "E2BIG" | "EPERM";

// ┌────────── struct xsd_sockmsg (16 bytes, host order = little-endian) ──────────┐
// │ 0 type u32 │ 4 req_id u32 │ 8 tx_id u32 │ 12 len u32 │ 16… payload (len bytes) │
// └───────────────────────────────────────────────────────────────────────────────┘
export const HEADER_SIZE = 16;
export const HEADER_TYPE = 0;
export const HEADER_REQ_ID = 4;
export const HEADER_TX_ID = 8;
export const HEADER_LEN = 12;
/** XENSTORE_PAYLOAD_MAX: longest payload either way; a longer request kills the connection. */
export const PAYLOAD_MAX = 4096;
/** XENSTORE_ABS_PATH_MAX. */
export const ABS_PATH_MAX = 3072;
/** XENSTORE_REL_PATH_MAX: also C xenstored's default `path-max` quota. */
export const REL_PATH_MAX = 2048;

/** Special domain ids (xen.h). */
export const DOMID_SELF = 0x7ff0;
export const DOMID_IO = 0x7ff1;
export const DOMID_XEN = 0x7ff2;
export const DOMID_COW = 0x7ff3;
export const DOMID_INVALID = 0x7ff4;
/** Xen 4.22: a permission entry naming DOMID_ANY matches every domain. */
export const DOMID_ANY = 0x7ff5;
export const DOMID_IDLE = 0x7fff;
/** Highest domid a real domain can have (DOMID_FIRST_RESERVED - 1). */
export const DOMID_MAX_REAL = 0x7fef;

/** Server feature bits (ring `server_features`, GET/SET_FEATURE). */
export const Feature = { RECONNECTION: 1, ERROR: 2, WATCHDEPTH: 4, DOMID_ANY: 8 } as const;
/** What this server offers, like C xenstored 4.22: ERROR | WATCHDEPTH | DOMID_ANY = 14. */
export const SERVER_FEATURES = Feature.ERROR | Feature.WATCHDEPTH | Feature.DOMID_ANY;

/** Special watch paths. */
export const INTRODUCE_DOMAIN = "@introduceDomain";
export const RELEASE_DOMAIN = "@releaseDomain";

/** GNTTAB_RESERVED_XENSTORE: the grant entry the domain builder fills with the store page. */
export const GNTTAB_RESERVED_XENSTORE = 1;
