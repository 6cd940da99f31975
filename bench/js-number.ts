/**
 * The fastest pure-JS PFN ⇄ PDX forms we could write: u64 values as two u32 halves in
 * a Uint32Array (little endian: lo at 2i, hi at 2i+1), no BigInt anywhere. This is the
 * `js-number` baseline that WASM must beat; results equal the bigint reference bit for
 * bit (test/bench/pdx-bench.test.ts, "js-number kernels equal the bigint reference").
 */
import type { PdxState } from "../src/index.js";

/** Converts n values from `src` to `dst` (both u32-pair arrays). */
export type NumberKernel = (src: Uint32Array, dst: Uint32Array, n: number) => void;

const lo32 = (x: bigint) => Number(x & 0xffffffffn) | 0;
const hi32 = (x: bigint) => Number((x >> 32n) & 0xffffffffn) | 0;

/** (x & keep) | ((x & move) >> w)  or  (x & keep) | ((x << w) & move), on halves. */
function maskKernel(keep: bigint, move: bigint, w: number, toPdx: boolean): NumberKernel {
  const kl = lo32(keep), kh = hi32(keep), ml = lo32(move), mh = hi32(move);
  if (w === 0) return (src, dst, n) => { dst.set(src.subarray(0, 2 * n)); };
  if (toPdx) {
    if (w < 32) {
      const back = 32 - w;
      return (src, dst, n) => {
        for (let i = 0, e = 2 * n; i < e; i += 2) {
          const l = src[i], h = src[i + 1];
          const tl = l & ml, th = h & mh;
          dst[i] = (l & kl) | (tl >>> w) | (th << back);
          dst[i + 1] = (h & kh) | (th >>> w);
        }
      };
    }
    const s = w - 32;
    return (src, dst, n) => {
      for (let i = 0, e = 2 * n; i < e; i += 2) {
        const l = src[i], h = src[i + 1];
        dst[i] = (l & kl) | ((h & mh) >>> s);
        dst[i + 1] = h & kh;
      }
    };
  }
  if (w < 32) {
    const back = 32 - w;
    return (src, dst, n) => {
      for (let i = 0, e = 2 * n; i < e; i += 2) {
        const l = src[i], h = src[i + 1];
        dst[i] = (l & kl) | ((l << w) & ml);
        dst[i + 1] = (h & kh) | (((h << w) | (l >>> back)) & mh);
      }
    };
  }
  const s = w - 32;
  return (src, dst, n) => {
    for (let i = 0, e = 2 * n; i < e; i += 2) {
      const l = src[i], h = src[i + 1];
      dst[i] = l & kl;
      dst[i + 1] = (h & kh) | ((l << s) & mh);
    }
  };
}

/** x ∓ table[(x >> shift) & mask], with the 64-bit carry done by hand. */
function offsetKernel(table: readonly bigint[], shift: number, toPdx: boolean): NumberKernel {
  const tl = Int32Array.from(table, lo32), th = Int32Array.from(table, hi32);
  const mask = table.length - 1;
  const index = shift >= 32 ? (l: number, h: number) => (h >>> (shift - 32)) & mask
    : shift === 0 ? (l: number) => l & mask
    : (l: number, h: number) => ((l >>> shift) | (h << (32 - shift))) & mask;
  return (src, dst, n) => {
    for (let i = 0, e = 2 * n; i < e; i += 2) {
      const l = src[i], h = src[i + 1];
      const k = index(l, h);
      if (toPdx) {
        const r = (l >>> 0) - (tl[k] >>> 0);
        dst[i] = r;
        dst[i + 1] = h - th[k] - (r < 0 ? 1 : 0);
      } else {
        const r = (l >>> 0) + (tl[k] >>> 0);
        dst[i] = r;
        dst[i + 1] = h + th[k] + (r > 0xffffffff ? 1 : 0);
      }
    }
  };
}

/** pfn_to_pdx (toPdx) or pdx_to_pfn as a js-number kernel for the given state. */
export function numberKernel(s: PdxState, toPdx: boolean): NumberKernel {
  switch (s.scheme) {
    case "none": return (src, dst, n) => { dst.set(src.subarray(0, 2 * n)); };
    case "mask": return maskKernel(s.pfnPdxBottomMask, s.pfnTopMask, s.pfnPdxHoleShift, toPdx);
    case "offset": return toPdx ? offsetKernel(s.pfnPdxLookup, s.pfnIndexShift, true) : offsetKernel(s.pdxPfnLookup, s.pdxIndexShift, false);
  }
}
