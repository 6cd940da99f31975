/**
 * "Did you mean": the known name nearest to a mistyped verb, sub-verb, flag or choice,
 * and how a user's word is quoted back in a message.
 */

/** At most this many characters of a user's word are echoed back. */
const QUOTE_LIMIT = 60;

/** A user's word as a message shows it: cut short, control characters escaped. */
export function quoteWord(word: string): string {
  const cut = word.length <= QUOTE_LIMIT ? word : `${word.slice(0, QUOTE_LIMIT)}…`;
  // JSON escaping keeps terminal escape sequences and newlines out of the one-line message.
  return /[\u0000-\u001f\u007f-\u009f]/.test(cut) ? JSON.stringify(cut) : `'${cut}'`;
}

/** Edit distance (insert, delete, substitute, swap two neighbours), giving up past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
      best = Math.min(best, row[j]!);
    }
    if (best > limit) return limit + 1;
    [before, prev] = [prev, row];
  }
  return prev[b.length]!;
}

/**
 * The name closest to `word`, if it is a near miss: within one edit per three characters
 * (at least one, at most three), so `simm` → `sim` and `--desgn` → `--design`, but
 * `--bogus` suggests nothing.
 */
export function nearestName(word: string, names: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const d = editDistance(word.toLowerCase(), name.toLowerCase(), limit);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** `"; did you mean NAME?"` for a near miss, else "". */
export function didYouMean(word: string, names: Iterable<string>): string {
  const near = nearestName(word, names);
  return near === undefined ? "" : `; did you mean ${near}?`;
}
