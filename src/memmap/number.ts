import { U64_MAX } from "../pdx/bits.js";

/**
 * Parses an address or size written as hex (`0x…`, or bare hex digits when `bareHex`)
 * or decimal, with optional `_` separators. Returns an error message instead of throwing
 * so each parser can attach its own location.
 */
export function parseAddress(text: string, bareHex = false): bigint | string {
  const t = text.trim().replace(/_/g, "");
  let value: bigint;
  if (/^0x[0-9a-f]+$/i.test(t)) value = BigInt(t);
  else if (bareHex && /^[0-9a-f]+$/i.test(t)) value = BigInt(`0x${t}`);
  else if (/^\d+$/.test(t)) value = BigInt(t);
  else return `'${text.trim()}' is not a hex or decimal number`;
  if (value > U64_MAX) return `${text.trim()} does not fit in 64 bits`;
  return value;
}
