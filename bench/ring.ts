/**
 * vm_event ring benchmarks (issue 4 §7, issue 12 §4), runner-agnostic: the worker host is
 * passed in (Node: xenmm/node's startNodeRoles; the playground: src/web/ring-workers.ts, run
 * from a worker, since the batch wait blocks). Built on the public API only (xenmm's
 * `vmevent`); it returns a report, and `xenmm ring bench` (src/cli/ring-bench.ts) prints it.
 *
 *  - async ring throughput between two workers, 400-byte and 64-byte events, side by side
 *    with ringbuf.js moving the same messages through the same number of payload bytes;
 *  - sync-slot round trip between two workers (submit → agent answers → Xen takes the
 *    response), timed per round trip inside the Xen worker for p50/p99.
 * Each batch of `perBatch` messages (or round trips) is timed as a whole, so per-op numbers
 * include the (amortised) batch hand-off; throughput batches are timed inside the two workers
 * (the main thread's own wake-up is left out). No benchmark.js here: it cannot run in a
 * worker, and the playground runs this file in one.
 *
 * Fairness (issue 12 §4): both rings run in the same two threads, pinned where the host can,
 * with the same batch of messages, the same waits (control.ts pollUntil: spin up to 50 µs,
 * then poll every 20 µs) and the same bulk consumer (all whole messages waiting, at once).
 * Producers write one message per call, as events arrive. The xenmm producer publishes
 * prod_idx every eighth of its ring and before it waits (its publishEvery option), as its
 * consumer returns slots every eighth (releaseEvery); ringbuf.js's push publishes on every
 * call. So the same rounds also run two controls in which both sides publish equally often:
 * the xenmm ring publishing on every event (`publish_each`), and ringbuf.js pushing the same
 * groups, each message built in place in a group buffer, one push per group (`grouped_push`).
 */
import { RingBuffer } from "ringbuf.js";
import { vmevent } from "../src/index.js";
import type { BenchResult } from "./harness.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { ringCost, type CostRow } from "./ring-cost.js";
import { spreadOf, type RatioSpread } from "./spread.js";
import { quantile } from "./stats.js";

// Written `vmevent.X`, not destructured: the bundler then keeps only what is used (the playground's
// ring worker is 26 KB instead of 83 KB with the whole namespace).
type RoleResult = vmevent.RoleResult;
type WaitStrategy = vmevent.WaitStrategy;

/** Where the roles run: xenmm/node's startNodeRoles (worker_threads), or Web Workers (src/web/ring-workers.ts). */
export interface RoleHost {
  startRoles: vmevent.StartRoles;
}

export interface RingBenchOptions {
  quick?: boolean;
  /** Rounds per payload, each a batch of every implementation in alternating order (default 150; 10 with quick). */
  rounds?: number;
  /** Async ring pages for the throughput cases. */
  pages?: number;
  /** Called as each case starts: `done` cases of `total` finished so far, and the one starting. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** Versions to record, e.g. { "ringbuf.js": "0.4.0" }. */
  versions?: Record<string, string>;
}

export interface ThroughputRow extends BenchResult {
  impl: "xenmm async ring" | "ringbuf.js" | "xenmm async ring, publish each event" | "ringbuf.js, grouped push";
  payload_bytes: number;
  /** Payload bytes moved per second. */
  bytes_per_s: number;
  /** Messages the ring holds at once (ours: slots; ringbuf.js: capacity / payload). */
  ring_messages: number;
  /** Which alternating round this was (0-based); medians are reported separately. */
  round: number;
}

export interface SyncRow extends BenchResult {
  strategy: "spin-then-block" | "block";
  p50_us: number;
  p99_us: number;
  round_trips_timed: number;
}

export interface RingBenchReport {
  machine: MachineInfo;
  versions: Record<string, string>;
  /** Per implementation and payload, the round with the median throughput. */
  throughput: ThroughputRow[];
  /** Every round: on a shared machine, one round can be far off the others. */
  throughput_rounds: ThroughputRow[];
  /** ours / ringbuf.js ops per second, per payload size: the median of the per-round ratios. */
  ratio_vs_ringbuf: Record<string, number>;
  /** How the per-round ratios spread (issue 12 §4: report the spread with the ratio). */
  ratio_spread: Record<string, RatioSpread>;
  /** Per payload, one thread doing both sides: what the code costs, free of scheduling (ring-cost.ts). */
  one_thread_cost: CostRow[];
  sync_round_trip: SyncRow[];
  /** The xenmm ring publishing prod_idx on every event (publishEvery 1), in the same rounds: its median row per payload, and its per-round ratio to ringbuf.js. */
  publish_each: { throughput: ThroughputRow[]; ratio_spread: Record<string, RatioSpread> };
  /**
   * ringbuf.js pushing the same groups the xenmm producer publishes (settings.publish_every
   * messages per push), in the same rounds: its median row per payload, and the per-round
   * ratio xenmm / it. Both rings then publish equally often.
   */
  grouped_push: { throughput: ThroughputRow[]; ratio_spread: Record<string, RatioSpread> };
  /** What every throughput round did, so a reader can rerun it. */
  settings: ThroughputSettings;
  /** os.loadavg() (1, 5, 15 min) when the run started and when it ended (Node only; absent in the browser). */
  load_average?: { start: number[]; end: number[] };
  /**
   * What else the machine did during the run (Linux): CPU seconds all CPUs spent busy, minus
   * this process's own; and the seconds the hypervisor gave the CPUs to others (steal). A load
   * average lags and counts this run's own threads; these do not.
   */
  machine_load?: { wall_s: number; others_cpu_s: number; steal_s: number };
  /** Per throughput case, where each worker thread was allowed to run (Node on Linux pins them; null where unknown). */
  threads: Array<{ payload_bytes: number; role: string } & vmevent.ThreadPlacement>;
  /** Issue 4 §7 targets, as measured in this run (speed is never asserted in tests). */
  targets: {
    throughput_at_least_ringbuf: Record<string, boolean>;
    sync_p50_at_most_10us: boolean;
    ratio_at_least: Record<string, { target: number; met: boolean }>;
  };
}

export interface ThroughputSettings {
  messages_per_batch: number;
  warmup_rounds: number;
  rounds: number;
  pages: number;
  /** Per payload ("400B"): the xenmm producer's publishEvery and consumer's releaseEvery (entries). */
  publish_every: Record<string, number>;
  release_every: Record<string, number>;
  timing: string;
  wait: string;
}

const PAYLOADS = [vmevent.REQUEST_BYTES, 64];
const IMPLS = ["xenmm async ring", "ringbuf.js", "xenmm async ring, publish each event", "ringbuf.js, grouped push"] as const;
/** The two rings the targets compare (IMPLS[0] / IMPLS[1]); IMPLS[2] and [3] are the controls. */
const [OURS, THEIRS, OURS_EACH, THEIRS_GROUPED] = [0, 1, 2, 3];
/** Issue 12 §4: xenmm / ringbuf.js message rates to reach, by payload. */
export const RATIO_TARGETS: Record<string, number> = { "400B": 2, "64B": 1.5 };

/** Slots handed back (consumer) and published (producer) in groups of an eighth of the ring: one shared-line write per group. */
const groupOf = (nrSlots: number) => Math.max(1, nrSlots / 8);

/**
 * One payload size: one producer and one consumer thread hold all four rings (xenmm and
 * ringbuf.js, each also in its control form) and run them batch by batch, alternating the
 * order in each round, so all see the same two cores and the same machine weather. A round
 * is a batch of each; its ratios are what is compared.
 */
async function throughputRounds(host: RoleHost, payloadBytes: number, pages: number, rounds: number, warmups: number, perBatch: number):
    Promise<{ rows: ThroughputRow[]; threads: RingBenchReport["threads"] }> {
  const nrSlots = vmevent.AsyncRingRegion.create(pages, "drop", payloadBytes).geometry.nrSlots;
  const control = vmevent.newControl().buffer as SharedArrayBuffer;
  const select = new Int32Array(new SharedArrayBuffer(4));
  const times = new Float64Array(new SharedArrayBuffer(16));
  const xenmm = (publishEvery: number) => ({
    ring: vmevent.AsyncRingRegion.create(pages, "drop", payloadBytes).buffer, pages, payloadBytes, policy: "drop" as const, perBatch,
    waitForSpace: true, verify: false, releaseEvery: groupOf(nrSlots), publishEvery,
  });
  // The same payload bytes in flight: capacity = our slot count × payload size.
  const theirs = { ring: RingBuffer.getStorageForCapacity(nrSlots * payloadBytes, Uint8Array as never), payloadBytes, perBatch };
  // ringbuf.js pushing the same groups as the xenmm producer publishes (messages built in place, one push per group).
  const theirsGrouped = { ...theirs, ring: RingBuffer.getStorageForCapacity(nrSlots * payloadBytes, Uint8Array as never), pushEvery: groupOf(nrSlots) };
  const base = {
    control, participants: 2, ours: xenmm(groupOf(nrSlots)), theirs, oursAlt: xenmm(1), theirsAlt: theirsGrouped,
    select: select.buffer as SharedArrayBuffer, times: times.buffer as SharedArrayBuffer,
  };
  const group = host.startRoles([{ ...base, role: "paired-producer" }, { ...base, role: "paired-consumer" }], 2);
  await group.ready(); // a Web Worker host must not block before its workers run
  const timeBatch = (impl: number) => {
    Atomics.store(select, 0, impl);
    group.runBatch();
    // The slower of the two threads' own timings (the consumer's, unless it started late).
    return Math.max(times[0], times[1]) / 1000;
  };
  const rows: ThroughputRow[] = [];
  let results: RoleResult[] = [];
  try {
    // Warm-up: JIT every path to its optimised code, first faults on the rings.
    for (let i = 0; i < warmups; i++) for (let impl = 0; impl < IMPLS.length; impl++) timeBatch(impl);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [OURS, THEIRS, OURS_EACH, THEIRS_GROUPED] : [THEIRS_GROUPED, OURS_EACH, THEIRS, OURS];
      const seconds = IMPLS.map(() => 0);
      for (const impl of order) seconds[impl] = timeBatch(impl);
      for (let impl = 0; impl < IMPLS.length; impl++) {
        const ops = perBatch / seconds[impl];
        rows.push({
          name: `${IMPLS[impl]} ${payloadBytes} B`, impl: IMPLS[impl], payload_bytes: payloadBytes, round,
          ns_per_op: 1e9 / ops, ops_per_s: ops, rme: 0, samples: 1, bytes_per_s: ops * payloadBytes, ring_messages: nrSlots,
        });
      }
    }
  } finally {
    results = await group.finish();
  }
  const threads = results.map((r) => ({ payload_bytes: payloadBytes, role: r.role, requested_cpu: r.thread?.requested_cpu ?? null, cpus_allowed: r.thread?.cpus_allowed ?? null }));
  return { rows, threads };
}

/** Per round, the rate of implementation `a` over that of `b`. */
function perRoundRatios(rows: ThroughputRow[], rounds: number, a: number, b: number): number[] {
  return Array.from({ length: rounds }, (_, round) => {
    const [x, y] = [a, b].map((impl) => rows.find((r) => r.round === round && r.impl === IMPLS[impl])!);
    return x.ops_per_s / y.ops_per_s;
  });
}

/** The round with the median rate, per implementation; its rme is the spread of the rounds' rates. */
function medianRow(rows: ThroughputRow[]): ThroughputRow {
  const sorted = [...rows].sort((a, b) => a.ops_per_s - b.ops_per_s);
  const rates = sorted.map((r) => r.ops_per_s);
  return { ...sorted[(sorted.length - 1) >> 1], rme: spreadOf(rates).spread_pct, samples: rows.length };
}

/** Batches of sync round trips, each timed as a whole; p50/p99 come from the per-trip samples the Xen worker takes. */
async function syncCase(host: RoleHost, strategy: WaitStrategy, quick: boolean): Promise<SyncRow> {
  const perBatch = quick ? 500 : 2_000;
  const batches = quick ? 4 : 16;
  const control = vmevent.newControl().buffer as SharedArrayBuffer;
  const base = {
    control, participants: 2, slots: vmevent.SyncSlotRegion.create(1).buffer,
    toAgent: vmevent.EventChannelSet.create(1).buffer, toXen: vmevent.EventChannelSet.create(1).buffer,
    perBatch, strategy, maxSamples: 200_000,
  };
  const group = host.startRoles([{ ...base, role: "sync-xen" }, { ...base, role: "sync-agent" }], 1);
  await group.ready();
  const name = strategy.spins > 0 ? "spin-then-block" : "block";
  const perTrip: number[] = [];
  let results: RoleResult[];
  try {
    for (let i = 0; i < batches; i++) {
      const t0 = performance.now();
      group.runBatch();
      perTrip.push(((performance.now() - t0) * 1e6) / perBatch);
    }
  } finally {
    results = await group.finish();
  }
  const samples = results[0].roundTripsUs ?? [];
  const ns = spreadOf(perTrip);
  return {
    name: `sync round trip (${name})`, ns_per_op: ns.median, ops_per_s: 1e9 / ns.median, rme: ns.spread_pct, samples: batches,
    strategy: name, p50_us: quantile(samples, 0.5), p99_us: quantile(samples, 0.99), round_trips_timed: samples.length,
  };
}

const isNode = () => typeof process !== "undefined" && !!process.versions?.node;

/** os.loadavg() in Node; undefined in a browser (this file also runs in a Web Worker). */
async function loadAverage(): Promise<number[] | undefined> {
  if (!isNode()) return undefined;
  return (await import("node:os")).loadavg().map((v) => Math.round(v * 100) / 100);
}

interface CpuSample { wall: number; busy: number; steal: number; own: number }

/** Busy and steal seconds of all CPUs (/proc/stat, in USER_HZ = 100 ticks/s) and this process's CPU seconds; undefined off Linux. */
async function cpuSample(): Promise<CpuSample | undefined> {
  if (!isNode()) return undefined;
  try {
    const line = (await import("node:fs")).readFileSync("/proc/stat", "utf8").split("\n")[0];
    // cpu user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const own = process.cpuUsage();
    return { wall: performance.now() / 1000, busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100, own: (own.user + own.system) / 1e6 };
  } catch {
    return undefined;
  }
}

function machineLoad(a: CpuSample | undefined, b: CpuSample | undefined): RingBenchReport["machine_load"] {
  if (!a || !b) return undefined;
  const r = (v: number) => Math.round(v * 100) / 100;
  return { wall_s: r(b.wall - a.wall), others_cpu_s: r(Math.max(0, b.busy - a.busy - (b.own - a.own))), steal_s: r(b.steal - a.steal) };
}

export async function runRingBench(host: RoleHost, options: RingBenchOptions = {}): Promise<RingBenchReport> {
  const loadAtStart = await loadAverage();
  const cpuAtStart = await cpuSample();
  const quick = options.quick ?? false;
  const pages = options.pages ?? 16;
  const rounds = options.rounds ?? (quick ? 10 : 150);
  const warmups = quick ? 5 : 15;
  const perBatch = quick ? 5_000 : 10_000;
  const all: ThroughputRow[] = [];
  const throughput: ThroughputRow[] = [];
  const ratio: Record<string, number> = {};
  const ratioSpread: Record<string, RatioSpread> = {};
  const publishEach: RingBenchReport["publish_each"] = { throughput: [], ratio_spread: {} };
  const groupedPush: RingBenchReport["grouped_push"] = { throughput: [], ratio_spread: {} };
  const threads: RingBenchReport["threads"] = [];
  const groups: Record<string, number> = {};
  const strategies = [vmevent.SPIN_THEN_BLOCK, vmevent.BLOCKING];
  // Cases: both rings per payload, the one-thread cost per payload, the sync round trip per wait strategy.
  const cases = 2 * PAYLOADS.length + strategies.length;
  let started = 0;
  const starting = (label: string) => options.onProgress?.(started++, cases, label);
  for (const payload of PAYLOADS) {
    starting(`both rings, ${payload} B, ${rounds} rounds`);
    const { rows, threads: placed } = await throughputRounds(host, payload, pages, rounds, warmups, perBatch);
    all.push(...rows);
    threads.push(...placed);
    groups[`${payload}B`] = groupOf(rows[0].ring_messages);
    for (const impl of [OURS, THEIRS]) throughput.push(medianRow(rows.filter((r) => r.impl === IMPLS[impl])));
    publishEach.throughput.push(medianRow(rows.filter((r) => r.impl === IMPLS[OURS_EACH])));
    ratioSpread[`${payload}B`] = spreadOf(perRoundRatios(rows, rounds, OURS, THEIRS));
    ratio[`${payload}B`] = ratioSpread[`${payload}B`].median;
    publishEach.ratio_spread[`${payload}B`] = spreadOf(perRoundRatios(rows, rounds, OURS_EACH, THEIRS));
    groupedPush.throughput.push(medianRow(rows.filter((r) => r.impl === IMPLS[THEIRS_GROUPED])));
    groupedPush.ratio_spread[`${payload}B`] = spreadOf(perRoundRatios(rows, rounds, OURS, THEIRS_GROUPED));
  }
  const settings: ThroughputSettings = {
    messages_per_batch: perBatch, warmup_rounds: warmups, rounds, pages, publish_every: groups, release_every: groups,
    timing: "each batch inside the producer and consumer threads, from release to done; the slower of the two",
    wait: "both rings: spin up to 50 µs, then poll every 20 µs (pollUntil)",
  };
  const cost = PAYLOADS.map((payload) => {
    starting(`one-thread cost, ${payload} B`);
    return ringCost(payload, pages, quick ? 4 : 16, quick ? 20 : 100);
  });
  const sync: SyncRow[] = [];
  for (const strategy of strategies) {
    starting(`sync round trip ${strategy.spins > 0 ? "spin-then-block" : "block"}`);
    sync.push(await syncCase(host, strategy, quick));
  }
  const targets = {
    throughput_at_least_ringbuf: Object.fromEntries(Object.entries(ratio).map(([k, v]) => [k, v >= 1])),
    sync_p50_at_most_10us: sync.some((s) => s.p50_us <= 10),
    ratio_at_least: Object.fromEntries(Object.entries(RATIO_TARGETS).map(([k, target]) => [k, { target, met: ratio[k] >= target }])),
  };
  const loadAtEnd = await loadAverage();
  const busy = machineLoad(cpuAtStart, await cpuSample());
  return {
    ...(loadAtStart && loadAtEnd ? { load_average: { start: loadAtStart, end: loadAtEnd } } : {}),
    ...(busy ? { machine_load: busy } : {}),
    machine: await machineInfo(), versions: options.versions ?? {}, throughput, throughput_rounds: all, ratio_vs_ringbuf: ratio, ratio_spread: ratioSpread,
    one_thread_cost: cost, sync_round_trip: sync, publish_each: publishEach, grouped_push: groupedPush, settings, threads, targets,
  };
}
