/**
 * A window of a guest's p2m (GFN → MFN) over a SharedArrayBuffer, so that a guest balloon
 * driver in one thread and the toolstack in another act on the same table (docs/notes/vm_event.md
 * §3.2, §5.8). The window is one 1 GiB region of guest RAM, mapped by one 1 GiB superpage at
 * start; taking a single 4 KiB GFN out of a superpage shatters it (1 GiB → 512 × 2 MiB, the
 * 2 MiB one holding the GFN → 512 × 4 KiB), and the splits are counted.
 *
 *   words: [0] superpage1G (1 = still one 1 GiB mapping)  [1] splits1G  [2] splits2M
 *          [3] pages (the domain's populated pages)        [4] maxPages (its allowance)
 *          [8 …] 512 words: 2 MiB block i is one superpage (1) or split (0)
 *          [520 …] 262 144 words: the entry of each GFN: its MFN, or INVALID (a hole)
 */
import { IllegalTransitionError } from "../errors.js";

export const GFNS_PER_2M = 512;
export const GFNS_PER_1G = 512 * 512;
/** No page at this GFN (a hole in the p2m). */
export const INVALID_MFN = -1;
/** MFNs of ring pages the toolstack gives Xen come from here; guest pages use their GFN's offset. */
export const RING_MFN_BASE = 0x40000000;

const W = { superpage1G: 0, splits1G: 1, splits2M: 2, pages: 3, maxPages: 4 } as const;
const BLOCKS_AT = 8;
const ENTRIES_AT = BLOCKS_AT + GFNS_PER_2M;
const WORDS = ENTRIES_AT + GFNS_PER_1G;

export type P2mResult = "ok" | "EBUSY" | "ENOMEM" | "ENOENT";

export class GuestP2m {
  readonly words: Int32Array;

  /** `baseGfn`: first GFN of the window (1 GiB aligned). */
  constructor(readonly buffer: SharedArrayBuffer, readonly baseGfn: number) {
    if (baseGfn % GFNS_PER_1G !== 0) throw new RangeError(`p2m window base 0x${baseGfn.toString(16)} is not 1 GiB aligned`);
    if (buffer.byteLength < WORDS * 4) throw new RangeError(`p2m window needs ${WORDS * 4} bytes, got ${buffer.byteLength}`);
    this.words = new Int32Array(buffer, 0, WORDS);
  }

  /**
   * A fully populated window (every GFN backed, one 1 GiB superpage), the domain at its
   * allowance; `ringGfn` holds the page the domain builder set aside for the ring.
   */
  static create(baseGfn: number, ringGfn: number): GuestP2m {
    const p2m = new GuestP2m(new SharedArrayBuffer(WORDS * 4), baseGfn);
    for (let i = 0; i < GFNS_PER_1G; i++) p2m.words[ENTRIES_AT + i] = baseGfn + i;
    p2m.words[ENTRIES_AT + p2m.index(ringGfn)] = RING_MFN_BASE;
    p2m.words.fill(1, BLOCKS_AT, ENTRIES_AT);
    p2m.words[W.superpage1G] = 1;
    p2m.words[W.pages] = p2m.words[W.maxPages] = GFNS_PER_1G;
    return p2m;
  }

  private index(gfn: number): number {
    const i = gfn - this.baseGfn;
    if (!Number.isInteger(gfn) || i < 0 || i >= GFNS_PER_1G) throw new RangeError(`GFN 0x${gfn.toString(16)} is outside the p2m window`);
    return i;
  }

  mfn(gfn: number): number {
    return Atomics.load(this.words, ENTRIES_AT + this.index(gfn));
  }

  get superpagesSplit(): number {
    return Atomics.load(this.words, W.splits1G) + Atomics.load(this.words, W.splits2M);
  }

  get pages(): number {
    return Atomics.load(this.words, W.pages);
  }

  /** A 4 KiB change at `gfn` needs 4 KiB mappings there: split what covers it. */
  private shatter(i: number): void {
    if (Atomics.compareExchange(this.words, W.superpage1G, 1, 0) === 1) Atomics.add(this.words, W.splits1G, 1);
    if (Atomics.compareExchange(this.words, BLOCKS_AT + Math.floor(i / GFNS_PER_2M), 1, 0) === 1) Atomics.add(this.words, W.splits2M, 1);
  }

  /** XENMEM_decrease_reservation of one GFN: its page leaves the guest, a hole stays. */
  decreaseReservation(gfn: number): P2mResult {
    const i = this.index(gfn);
    this.shatter(i);
    if (Atomics.exchange(this.words, ENTRIES_AT + i, INVALID_MFN) === INVALID_MFN) return "ENOENT";
    Atomics.sub(this.words, W.pages, 1);
    return "ok";
  }

  /** The domain's allowance is domain-wide: the balloon driver can spend it outside this window. */
  populateElsewhere(): P2mResult {
    return this.charge() ? "ok" : "ENOMEM";
  }

  private charge(): boolean {
    if (Atomics.add(this.words, W.pages, 1) < Atomics.load(this.words, W.maxPages)) return true;
    Atomics.sub(this.words, W.pages, 1);
    return false;
  }

  /** A page owned by the guest (not one the toolstack set aside for a ring). */
  static isGuestPage(mfn: number): boolean {
    return mfn !== INVALID_MFN && mfn < RING_MFN_BASE;
  }

  /** XENMEM_populate_physmap of one GFN with `mfn`: refused when populated, or over the allowance. */
  populate(gfn: number, mfn: number): P2mResult {
    if (mfn === INVALID_MFN) throw new IllegalTransitionError("populate needs a real MFN");
    const i = this.index(gfn);
    if (!this.charge()) return "ENOMEM";
    if (Atomics.compareExchange(this.words, ENTRIES_AT + i, INVALID_MFN, mfn) !== INVALID_MFN) {
      Atomics.sub(this.words, W.pages, 1);
      return "EBUSY";
    }
    this.shatter(i);
    return "ok";
  }
}
