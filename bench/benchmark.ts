/**
 * benchmark.js, loaded so that it works both in Node and in a browser bundle
 * (docs/notes/toolchain.md §3: a bundled benchmark.js cannot `require` lodash and looks
 * for a global `Benchmark`, so build it from an explicit context).
 */
import BenchmarkBase from "benchmark";
import _ from "lodash";
import platform from "platform";

type BenchmarkStatic = typeof BenchmarkBase;

const Benchmark: BenchmarkStatic =
  typeof (BenchmarkBase as { Suite?: unknown }).Suite === "function"
    ? BenchmarkBase
    : (BenchmarkBase as unknown as { runInContext(ctx: object): BenchmarkStatic }).runInContext({ _, platform });
if (typeof document !== "undefined") (globalThis as Record<string, unknown>).Benchmark ??= Benchmark;

export default Benchmark;
