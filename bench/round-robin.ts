/**
 * Times alternatives side by side: each round takes one short sample of every case, in
 * a rotating order, so a slow stretch of a shared machine lands on all of them alike and
 * ratios between cases can be taken round by round (bench/stats.ts). A case whose one call
 * takes several samples' time (the JS baselines) is sampled every few rounds instead, at
 * least 3 times: its ratios are then taken between medians. Runs unchanged in Node and
 * the browser.
 */
import { quantile, rme } from "./stats.js";

export interface SampledCase {
  name: string;
  /** Items processed by one call (a batch of 1e6 conversions counts 1e6). */
  itemsPerCall: number;
  /** Makes `reps` calls back to back; resolves to the elapsed ns. */
  run(reps: number): Promise<number>;
}

export interface SampledResult {
  name: string;
  /** Median over the rounds. */
  ns_per_op: number;
  ops_per_s: number;
  /** Relative margin of error of the mean sample, in percent. */
  rme: number;
  /** ns per item in each round it was sampled in, in order (every round unless the case is slow). */
  samples: number[];
}

export interface RoundRobinOptions {
  rounds: number;
  /** Target length of one sample; a case slower than this takes one call per sample. */
  sampleMs: number;
  onSample?: (done: number, total: number, name: string) => void;
}

/** Rounds and sample length of quick and full runs (quick: long enough for ratios to repeat, README). */
export const TIMING = { quick: { rounds: 30, sampleMs: 1.5 }, full: { rounds: 60, sampleMs: 3 } } as const;

const now = () => performance.now() * 1e6;

/** `run` for a function timed in this thread. */
export function timeCalls(fn: () => void | Promise<unknown>, async = false): SampledCase["run"] {
  return async (reps) => {
    const t0 = now();
    if (async) for (let i = 0; i < reps; i++) await fn();
    else for (let i = 0; i < reps; i++) fn();
    return now() - t0;
  };
}

/**
 * A round robin that can be taken in slices: `calibrate` once, then `rounds(k)` as often as
 * wanted (the rotation and the slow cases' strides continue across slices), then `results`.
 * Slices of several sets taken in turn spread each set's rounds over a longer stretch of
 * time, so one busy stretch of a shared machine does not land on a whole set.
 */
export interface RoundRobinSession {
  calibrate(): Promise<void>;
  rounds(k: number): Promise<void>;
  results(): SampledResult[];
}

/** `o.rounds` is the total the strides are planned for; `onSample` counts rounds against it. */
export function roundRobinSession(cases: readonly SampledCase[], o: RoundRobinOptions): RoundRobinSession {
  const reps: number[] = [];
  const stride: number[] = [];
  const samples = cases.map((): number[] => []);
  let round = 0;
  return {
    async calibrate() {
      // Calibrate on the second of two single calls (the first warms up the JIT and caches).
      for (const c of cases) {
        await c.run(1);
        const once = Math.max(await c.run(1), 1);
        const samplesPerCall = once / (o.sampleMs * 1e6);
        reps.push(Math.max(1, Math.round(1 / samplesPerCall)));
        stride.push(Math.max(1, Math.min(Math.floor(o.rounds / 3), Math.round(samplesPerCall / 4))));
      }
    },
    async rounds(k) {
      for (const last = round + k; round < last; round++) {
        for (let j = 0; j < cases.length; j++) {
          const i = (j + round) % cases.length;
          if ((round + i) % stride[i] !== 0) continue;
          // One untimed call first, so a sample never pays for the caches the previous case
          // (or another process: the native kernels keep their own copy of the inputs) left.
          if (reps[i] > 1) await cases[i].run(1);
          samples[i].push((await cases[i].run(reps[i])) / (reps[i] * cases[i].itemsPerCall));
        }
        o.onSample?.(round + 1, o.rounds, cases[0]?.name ?? "");
      }
    },
    results() {
      return cases.map((c, i) => {
        const median = quantile(samples[i], 0.5);
        return { name: c.name, ns_per_op: median, ops_per_s: 1e9 / median, rme: rme(samples[i]), samples: samples[i] };
      });
    },
  };
}

/** All of `o.rounds` in one go. */
export async function roundRobin(cases: readonly SampledCase[], o: RoundRobinOptions): Promise<SampledResult[]> {
  const session = roundRobinSession(cases, o);
  await session.calibrate();
  await session.rounds(o.rounds);
  return session.results();
}
