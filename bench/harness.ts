/**
 * Runs benchmark cases with benchmark.js and reports per-item costs. Runs unchanged in
 * Node and the browser: nothing here touches Node APIs.
 */
import Benchmark from "./benchmark.js";

export interface BenchCase {
  name: string;
  /** One timed call; a returned promise is awaited (benchmark.js deferred mode). */
  fn: () => void | Promise<unknown>;
  /** Set when `fn` returns a promise. */
  async?: boolean;
  /** Items processed by one call of `fn` (a batch of 1e6 conversions counts 1e6). */
  itemsPerCall: number;
}

export interface BenchResult {
  name: string;
  ns_per_op: number;
  ops_per_s: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  samples: number;
}

export interface RunOptions {
  /** Short runs for smoke tests: fewer samples, less time per case. */
  quick?: boolean;
  /** Called after each case, e.g. to move a progress bar. */
  onCase?: (done: number, total: number, result: BenchResult) => void;
}

/** Times each case in turn (never in parallel: the machine has 2 cores). */
export async function runCases(cases: BenchCase[], options: RunOptions = {}): Promise<BenchResult[]> {
  const timing = options.quick ? { maxTime: 0.1, minSamples: 4, minTime: 0.02 } : { maxTime: 0.5, minSamples: 8 };
  const results: BenchResult[] = [];
  for (const c of cases) {
    const bench = c.async
      ? new Benchmark(c.name, { ...timing, defer: true, fn: (d: { resolve(): void }) => { void (c.fn() as Promise<unknown>).then(() => d.resolve()); } })
      : new Benchmark(c.name, c.fn, timing);
    await new Promise<void>((resolve, reject) => {
      bench.on("complete", () => resolve());
      bench.on("error", () => reject((bench as unknown as { error: Error }).error));
      bench.run({ async: true });
    });
    const perCall = bench.stats.mean; // seconds per call of fn
    const result: BenchResult = {
      name: c.name,
      ns_per_op: (perCall * 1e9) / c.itemsPerCall,
      ops_per_s: c.itemsPerCall / perCall,
      rme: bench.stats.rme,
      samples: bench.stats.sample.length,
    };
    results.push(result);
    options.onCase?.(results.length, cases.length, result);
  }
  return results;
}
