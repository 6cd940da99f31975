/**
 * The native-C baseline as bench/pdx.ts sees it: builds of the generated C kernels
 * (bench/native-source.ts) run over the same inputs as the WASM rows. Runner-agnostic:
 * Node provides it (bench/native-runner.ts); the browser has none.
 */
import type { PdxState } from "../src/index.js";

export type NativeImpl = "native-c" | "native-c-march";

/** Each native row and the compiler flags it is built with. */
export const NATIVE_BUILDS: ReadonlyArray<{ impl: NativeImpl; flags: readonly string[] }> = [
  { impl: "native-c", flags: ["-O3"] },
  { impl: "native-c-march", flags: ["-O3", "-march=native"] },
];

/** One running build of one scheme's kernels. */
export interface NativeKernel {
  impl: NativeImpl;
  /** Runs conversion `op` `reps` times back to back; resolves to the elapsed ns (measured by the program). */
  time(op: number, reps: number): Promise<number>;
  /** Runs conversion `op` once and resolves to its output. */
  output(op: number): Promise<BigUint64Array>;
}

export interface NativeSession {
  kernels: NativeKernel[];
  /** Builds that could not run, each with the reason. */
  skipped: string[];
  close(): Promise<void>;
}

export interface NativeToolchain {
  /** Generates, builds and starts `state`'s kernels over `inputs` (one array per conversion, in OP order). */
  open(state: PdxState, inputs: readonly BigUint64Array[]): Promise<NativeSession>;
}
