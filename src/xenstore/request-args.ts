/**
 * What every request handler shares: the error reply it throws and the readers of its
 * NUL-separated arguments, each refusing malformed input as C xenstored does.
 */
import type { XsErrno } from "./constants.js";
import { bytes, splitStrings, text } from "./codec.js";

/** An error reply. Thrown inside handlers, turned into `ERROR "<errno>"`. */
export class XsError extends Error {
  constructor(readonly errno: XsErrno) {
    super(errno);
  }
}

/** Ends the request with an error reply; a declaration, so TypeScript narrows after it. */
export function fail(errno: XsErrno): never {
  throw new XsError(errno);
}

export const OK = bytes("OK\0");

/** The payload must be exactly one NUL-terminated string: one NUL, at the end (C `onearg`). */
export function oneArg(payload: Uint8Array): string {
  const last = payload.length - 1;
  if (last < 0 || payload.indexOf(0) !== last) fail("EINVAL");
  return text(payload.subarray(0, last));
}

/** Exactly `n` NUL-terminated strings. */
export function args(payload: Uint8Array, n: number): string[] {
  const { strings, rest } = splitStrings(payload);
  if (strings.length !== n || rest.length > 0) fail("EINVAL");
  return strings;
}

/** A decimal domid of a real domain or DOMID_SELF/DOMID_ANY-range names; else EINVAL (master). */
export function parseDomid(s: string): number {
  if (!/^\d{1,5}$/.test(s)) fail("EINVAL");
  const n = Number(s);
  if (n > 0xffff) fail("EINVAL");
  return n;
}

/**
 * DIRECTORY_PART's offset as C reads it (atoi into an unsigned int): the leading decimal
 * number, 0 when there is none; a negative one is far past the end of any child list.
 */
export function childListOffset(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)/.exec(s)!;
  const n = m[2] === "" ? 0 : Number(m[2]);
  return m[1] === "-" && n > 0 ? Infinity : n;
}
