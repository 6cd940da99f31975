/**
 * Node permissions (docs/notes/xenstore.md §2). A node carries ≥ 1 entry; entry 0 names
 * the owner, and its letter is the access of every domain not listed in entries 1..n.
 * The first later entry naming the caller (or its SET_TARGET target) wins.
 */
import { DOMID_ANY } from "./constants.js";

export type AccessLetter = "n" | "r" | "w" | "b";
export interface Perm { access: AccessLetter; domid: number }

export const READ = 1;
export const WRITE = 2;
/** Owner rights: change perms (the owner/privileged domain only). */
export const OWNER = 4;
const LETTER_BITS: Record<AccessLetter, number> = { n: 0, r: READ, w: WRITE, b: READ | WRITE };

/** Who is asking: a domain, possibly with a SET_TARGET target and the DOMID_ANY feature. */
export interface Caller {
  domid: number;
  privileged: boolean;
  target?: number;
  /** Whether DOMID_ANY entries apply (feature bit 8 negotiated for the writer). */
  domidAny?: boolean;
}

/**
 * `"r5"` → {access: "r", domid: 5}; null for a bad letter, empty or junk-suffixed number,
 * or a domid over 65535. The number is read as C's strtol(…, 0) reads it: `0x10` is 16,
 * `010` is 8.
 */
export function parsePerm(s: string): Perm | null {
  const m = /^([nrwb])(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9]\d*))$/.exec(s);
  if (!m) return null;
  const domid = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? (m[3] === "" ? 0 : parseInt(m[3], 8)) : Number(m[4]);
  if (!Number.isSafeInteger(domid) || domid > 0xffff) return null;
  return { access: m[1] as AccessLetter, domid };
}

export function formatPerm(p: Perm): string {
  return `${p.access}${p.domid}`;
}

/** The rights bitmap (READ | WRITE | OWNER) `caller` has on a node with `perms`. */
export function rightsOf(caller: Caller, perms: readonly Perm[]): number {
  if (caller.privileged) return READ | WRITE | OWNER;
  const owner = perms[0]!;
  if (owner.domid === caller.domid || (caller.target !== undefined && owner.domid === caller.target))
    return READ | WRITE | OWNER;
  for (let i = 1; i < perms.length; i++) {
    const p = perms[i]!;
    if (p.domid === caller.domid || (caller.target !== undefined && p.domid === caller.target))
      return LETTER_BITS[p.access];
  }
  for (let i = 1; i < perms.length; i++) {
    if (perms[i]!.domid === DOMID_ANY) return LETTER_BITS[perms[i]!.access];
  }
  return LETTER_BITS[owner.access];
}

export function permsEqual(a: readonly Perm[], b: readonly Perm[]): boolean {
  return a.length === b.length && a.every((p, i) => p.access === b[i]!.access && p.domid === b[i]!.domid);
}
