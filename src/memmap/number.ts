import { U64_MAX } from "../u64.js";
import { excerpt } from "./error.js";

/** More digits than any 64-bit value needs (with `_` separators): refused before BigInt sees them. */
const MAX_TOKEN = 96;

/**
 * Parses an address or size written as hex (`0x…`, or bare hex digits when `bareHex`)
 * or decimal, with optional `_` separators. Returns an error message instead of throwing
 * so each parser can attach its own location.
 */
export function parseAddress(text: string, bareHex = false): bigint | string {
  const raw = text.trim();
  if (raw.length > MAX_TOKEN) return `'${excerpt(raw)}' is too long to be a 64-bit number`;
  const t = raw.includes("_") ? raw.replace(/_/g, "") : raw;
  let value: bigint;
  if (/^0x[0-9a-f]+$/i.test(t)) value = BigInt(t);
  else if (bareHex && /^[0-9a-f]+$/i.test(t)) value = BigInt(`0x${t}`);
  else if (/^\d+$/.test(t)) value = BigInt(t);
  else return `'${raw}' is not a hex or decimal number`;
  if (value > U64_MAX) return `${raw} does not fit in 64 bits`;
  return value;
}

/** `start + size`, or an error message when that end does not fit in 64 bits (ends are exclusive, so 2^64 fits). */
export function sizedEnd(start: bigint, size: bigint): bigint | string {
  const end = start + size;
  return end > 1n << 64n ? `end 0x${end.toString(16)} does not fit in 64 bits` : end;
}
