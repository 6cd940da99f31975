/** How per-round measurements of one run spread: the median and the quartiles (ring benchmarks). */
import { quantile } from "./stats.js";

export interface RatioSpread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** Half the interquartile range, as a percentage of the median (the "±" of the ratio). */
  spread_pct: number;
  /**
   * A distribution-free ~95 % confidence interval of the median, from order statistics (the
   * values of rank n/2 ∓ 0.98·√n): how stable the median itself is, as opposed to one round.
   */
  median_ci95: [number, number];
  rounds: number;
}

export function spreadOf(values: number[]): RatioSpread {
  const v = [...values].sort((a, b) => a - b);
  const median = quantile(v, 0.5);
  const p25 = quantile(v, 0.25);
  const p75 = quantile(v, 0.75);
  const half = 0.98 * Math.sqrt(v.length);
  const lo = Math.max(0, Math.floor(v.length / 2 - half) - 1);
  const hi = Math.min(v.length - 1, Math.ceil(v.length / 2 + 1 + half) - 1);
  return { median, p25, p75, min: v[0], max: v.at(-1)!, spread_pct: ((p75 - p25) / 2 / median) * 100, median_ci95: [v[lo], v[hi]], rounds: v.length };
}

