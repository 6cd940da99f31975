/** How per-round measurements of one run spread: the median and the quartiles (ring benchmarks). */
export interface RatioSpread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** Half the interquartile range, as a percentage of the median (the "±" of the ratio). */
  spread_pct: number;
  rounds: number;
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.ceil(at)] - sorted[lo]) * (at - lo);
}

export function spreadOf(values: number[]): RatioSpread {
  const v = [...values].sort((a, b) => a - b);
  const median = quantile(v, 0.5);
  const p25 = quantile(v, 0.25);
  const p75 = quantile(v, 0.75);
  return { median, p25, p75, min: v[0], max: v.at(-1)!, spread_pct: ((p75 - p25) / 2 / median) * 100, rounds: v.length };
}

