/** Order statistics over benchmark samples: medians and spreads that one slow sample cannot move. */

/** The q-quantile (0 ≤ q ≤ 1) of `xs`, interpolating between neighbours. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

/** `x` rounded to `digits` decimals, for reports. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A value with its spread: the median and the middle half (first to third quartile). */
export interface Spread { median: number; low: number; high: number }

export function spread(xs: readonly number[]): Spread {
  return { median: quantile(xs, 0.5), low: quantile(xs, 0.25), high: quantile(xs, 0.75) };
}

/**
 * The ratio a/b with its spread. Samples taken in the same rounds (equally many) are
 * divided round by round, so drift that slows both sides of one round cancels; otherwise
 * the ratio of the medians, with no spread to show.
 */
export function ratioSpread(a: readonly number[], b: readonly number[]): Spread {
  if (a.length === b.length && a.length > 0) return spread(a.map((x, i) => x / b[i]));
  const r = quantile(a, 0.5) / quantile(b, 0.5);
  return { median: r, low: r, high: r };
}

/** Relative margin of error of the mean at 95 %, in percent (Student's t approximated as 1.96 + 2.4/df). */
export function rme(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  const df = xs.length - 1;
  return ((1.96 + 2.4 / df) * Math.sqrt(variance / xs.length) / mean) * 100;
}
