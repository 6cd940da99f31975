/**
 * Geometry of a ring.h shared ring (xen/include/public/io/ring.h, docs/notes/vm_event.md §2.1).
 *
 *   shared ring: pages × 4096 bytes
 *   ┌──────────┬───────────┬──────────┬───────────┬──────┬─────────┬──────────┬─────┬──────────────┐
 *   │ req_prod │ req_event │ rsp_prod │ rsp_event │ pvt  │ pad     │ ring[0]  │ …   │ ring[n − 1]  │
 *   │ 0    u32 │ 4     u32 │ 8    u32 │ 12    u32 │ 16 4 │ 20 (44) │ 64       │     │              │
 *   └──────────┴───────────┴──────────┴───────────┴──────┴─────────┴──────────┴─────┴──────────────┘
 *   n = the largest power of two ≤ (pages × 4096 − 64) / entry size; entries are unions of request and
 *   response, so a response reuses whichever slot the back end's rsp_prod_pvt points at.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { describeValue } from "../u64.js";
import { PAGE_SIZE } from "./abi.js";

/** Byte offsets of the shared ring header (the diagram above). */
export const SRING_FIELD = { reqProd: 0, reqEvent: 4, rspProd: 8, rspEvent: 12, pvt: 16 } as const;
export const SRING_HEADER_BYTES = 64;

/** Bounds of ring geometry inputs: far above any real ring (a page is 4 KiB, an entry 400 B). */
export const MAX_LAYOUT_PAGES = 1 << 16;
export const MAX_ENTRY_BYTES = 1 << 16;

/** How the slot count is derived from the space: ring.h rounds down to a power of two; "none" is the counterfactual. */
export type SlotRounding = "pow2" | "none";

/** The largest power of two ≤ n (0 for n < 1). */
export function floorPow2(n: number): number {
  if (typeof n !== "number" || n === Infinity) throw new InvalidArgumentError("floorPow2(n)", `expected a finite number, got ${describeValue(n)}`);
  if (!(n >= 1)) return 0;
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** How many entries fit after the header, before rounding: (pages × 4096 − 64) / entry size. */
export function rawSlots(pages: number, entryBytes: number, headerBytes = SRING_HEADER_BYTES): number {
  intIn("pages", pages, 1, MAX_LAYOUT_PAGES);
  intIn("entryBytes", entryBytes, 1, MAX_ENTRY_BYTES);
  intIn("headerBytes", headerBytes, 0, PAGE_SIZE);
  return Math.floor((pages * PAGE_SIZE - headerBytes) / entryBytes);
}

/** `__RING_SIZE`: the slot count of a ring of `pages` pages (1 page of 400-byte entries → 8). */
export function ringSlots(pages: number, entryBytes: number, rounding: SlotRounding = "pow2"): number {
  const raw = rawSlots(pages, entryBytes);
  return rounding === "pow2" ? floorPow2(raw) : raw;
}

/** Bytes of shared memory a ring of `slots` entries occupies (header + entries). */
export function ringBytes(slots: number, entryBytes: number): number {
  intIn("slots", slots, 1, MAX_LAYOUT_PAGES * PAGE_SIZE);
  intIn("entryBytes", entryBytes, 1, MAX_ENTRY_BYTES);
  return SRING_HEADER_BYTES + slots * entryBytes;
}
