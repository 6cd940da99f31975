/**
 * vm_event ring benchmarks (issue 4 §7), runner-agnostic: the worker host is passed in
 * (Node: src/vmevent/workers/node-host.ts; a browser page would pass a Web Worker host and
 * run this from a worker, since the batch wait blocks).
 *
 *  - async ring throughput between two workers, 400-byte and 64-byte events, side by side
 *    with ringbuf.js moving the same messages through the same number of payload bytes;
 *  - sync-slot round trip between two workers (submit → agent answers → Xen takes the
 *    response), timed per round trip inside the Xen worker for p50/p99.
 * One benchmark.js call = one batch of `perBatch` messages (or round trips), so per-op
 * numbers include the (amortised) batch hand-off.
 */
import { RingBuffer } from "ringbuf.js";
import { REQUEST_BYTES } from "../src/vmevent/abi.js";
import { AsyncRingRegion } from "../src/vmevent/async-ring.js";
import { EventChannelSet, SPIN_THEN_BLOCK, BLOCKING, type WaitStrategy } from "../src/vmevent/event-channel.js";
import { SyncSlotRegion } from "../src/vmevent/sync-slots.js";
import { newControl } from "../src/vmevent/workers/control.js";
import type { RoleGroup } from "../src/vmevent/workers/node-host.js";
import type { RoleResult, RoleSpec } from "../src/vmevent/workers/roles.js";
import { runCases, type BenchResult } from "./harness.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { percentile } from "../src/vmevent/sim/stats.js";

export interface RoleHost {
  startRoles(specs: RoleSpec[], batchMembers: number): RoleGroup;
}

export interface RingBenchOptions {
  quick?: boolean;
  /** Rounds per throughput case, alternating the two implementations (default 5; 1 with quick). */
  rounds?: number;
  /** Async ring pages for the throughput cases. */
  pages?: number;
  onCase?: (name: string) => void;
  /** Versions to record, e.g. { "ringbuf.js": "0.4.0" }. */
  versions?: Record<string, string>;
}

export interface ThroughputRow extends BenchResult {
  impl: "xenmm async ring" | "ringbuf.js";
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
  /** ours / ringbuf.js ops per second, per payload size. */
  ratio_vs_ringbuf: Record<string, number>;
  sync_round_trip: SyncRow[];
  /** Issue 4 §7 targets, as measured in this run (speed is never asserted in tests). */
  targets: { throughput_at_least_ringbuf: Record<string, boolean>; sync_p50_at_most_10us: boolean };
}

const PAYLOADS = [REQUEST_BYTES, 64];

async function throughputCase(host: RoleHost, impl: ThroughputRow["impl"], payloadBytes: number, pages: number, quick: boolean, round: number): Promise<ThroughputRow> {
  const perBatch = quick ? 5_000 : 20_000;
  const nrSlots = AsyncRingRegion.create(pages, "drop", payloadBytes).geometry.nrSlots;
  const control = newControl().buffer as SharedArrayBuffer;
  let specs: RoleSpec[];
  if (impl === "xenmm async ring") {
    const ring = AsyncRingRegion.create(pages, "drop", payloadBytes).buffer;
    // The consumer hands slots back in groups of an eighth of the ring (one shared-line write per group).
    const base = { control, participants: 2, ring, pages, payloadBytes, policy: "drop" as const, perBatch, waitForSpace: true, verify: false, releaseEvery: Math.max(1, nrSlots / 8) };
    specs = [{ ...base, role: "async-producer" }, { ...base, role: "async-consumer" }];
  } else {
    // The same payload bytes in flight: capacity = our slot count × payload size.
    const ring = RingBuffer.getStorageForCapacity(nrSlots * payloadBytes, Uint8Array as never);
    const base = { control, participants: 2, ring, payloadBytes, perBatch };
    specs = [{ ...base, role: "ringbuf-producer" }, { ...base, role: "ringbuf-consumer" }];
  }
  const group = host.startRoles(specs, 2);
  try {
    const [r] = await runCases([{ name: `${impl} ${payloadBytes} B`, fn: () => group.runBatch(), itemsPerCall: perBatch }], { quick });
    return { ...r, impl, payload_bytes: payloadBytes, bytes_per_s: r.ops_per_s * payloadBytes, ring_messages: nrSlots, round };
  } finally {
    await group.finish();
  }
}

async function syncCase(host: RoleHost, strategy: WaitStrategy, quick: boolean): Promise<SyncRow> {
  const perBatch = quick ? 500 : 2_000;
  const control = newControl().buffer as SharedArrayBuffer;
  const base = {
    control, participants: 2, slots: SyncSlotRegion.create(1).buffer,
    toAgent: EventChannelSet.create(1).buffer, toXen: EventChannelSet.create(1).buffer,
    perBatch, strategy, maxSamples: 200_000,
  };
  const group = host.startRoles([{ ...base, role: "sync-xen" }, { ...base, role: "sync-agent" }], 1);
  const name = strategy.spins > 0 ? "spin-then-block" : "block";
  let r: BenchResult;
  let results: RoleResult[];
  try {
    [r] = await runCases([{ name: `sync round trip (${name})`, fn: () => group.runBatch(), itemsPerCall: perBatch }], { quick });
  } finally {
    results = await group.finish();
  }
  const samples = Float64Array.from(results[0].roundTripsUs ?? []).sort();
  return { ...r, strategy: name, p50_us: percentile(samples, 50), p99_us: percentile(samples, 99), round_trips_timed: samples.length };
}

export async function runRingBench(host: RoleHost, options: RingBenchOptions = {}): Promise<RingBenchReport> {
  const quick = options.quick ?? false;
  const pages = options.pages ?? 16;
  const rounds = options.rounds ?? (quick ? 1 : 5);
  const IMPLS = ["xenmm async ring", "ringbuf.js"] as const;
  const all: ThroughputRow[] = [];
  const throughput: ThroughputRow[] = [];
  for (const payload of PAYLOADS) {
    // Alternate the implementations round by round so that both see the same machine weather.
    for (let round = 0; round < rounds; round++)
      for (const impl of IMPLS) {
        options.onCase?.(`${impl} ${payload} B (round ${round + 1}/${rounds})`);
        all.push(await throughputCase(host, impl, payload, pages, quick, round));
      }
    for (const impl of IMPLS) {
      const mine = all.filter((t) => t.impl === impl && t.payload_bytes === payload).sort((a, b) => a.ops_per_s - b.ops_per_s);
      throughput.push(mine[(mine.length - 1) >> 1]);
    }
  }
  const ratio: Record<string, number> = {};
  for (const payload of PAYLOADS) {
    const ours = throughput.find((t) => t.payload_bytes === payload && t.impl === "xenmm async ring")!;
    const theirs = throughput.find((t) => t.payload_bytes === payload && t.impl === "ringbuf.js")!;
    ratio[`${payload}B`] = ours.ops_per_s / theirs.ops_per_s;
  }
  const sync: SyncRow[] = [];
  for (const strategy of [SPIN_THEN_BLOCK, BLOCKING]) {
    options.onCase?.(`sync round trip ${strategy.spins > 0 ? "spin-then-block" : "block"}`);
    sync.push(await syncCase(host, strategy, quick));
  }
  const targets = {
    throughput_at_least_ringbuf: Object.fromEntries(Object.entries(ratio).map(([k, v]) => [k, v >= 1])),
    sync_p50_at_most_10us: sync.some((s) => s.p50_us <= 10),
  };
  return { machine: await machineInfo(), versions: options.versions ?? {}, throughput, throughput_rounds: all, ratio_vs_ringbuf: ratio, sync_round_trip: sync, targets };
}
