import { mkdtemp, readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xenmm } from "../run-cli.js";
import { expectRefused } from "./refused.js";

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return process.platform === "linux";
  } catch {
    return false;
  }
}

describe("xenmm ring (compiled CLI)", () => {
  it("sim --json reports the issue's fields and the waitqueue threshold at 9 vCPUs", async () => {
    const r = await xenmm("ring", "sim", "--design", "legacy", "--vcpus", "8,9", "--async-rate", "0", "--sync-rate", "5000", "--duration-ms", "300", "--json");
    expect(r.code).toBe(0);
    const { runs } = JSON.parse(r.stdout) as { runs: Array<Record<string, number | string>> };
    expect(runs.map((x) => [x.design, x.vcpus, x.pages, x.policy])).toEqual([["legacy", 8, 1, "block"], ["legacy", 9, 1, "block"]]);
    expect(runs[0].waitqueue_entries).toBe(0);
    expect(runs[1].waitqueue_entries).toBeGreaterThan(0);
    for (const k of ["events", "throughput", "latency_p50_us", "latency_p99_us", "blackeye_pauses", "livepatch_blocked_fraction", "lost"]) expect(typeof runs[0][k]).toBe("number");
  });

  it("sim prints a table for both designs by default", async () => {
    const r = await xenmm("ring", "sim", "--vcpus", "2", "--duration-ms", "50", "--policy", "overwrite");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^legacy\s+block\s+fifo\s+2\s/m);
    expect(r.stdout).toMatch(/^new\s+overwrite\s+sync-first\s+2\s/m);
    expect(r.stdout).toContain("Onsets in these runs");
  });

  it("sim --scenario sync-only prints the waitqueue onset at 9 vCPUs next to the static answer", async () => {
    const r = await xenmm("ring", "sim", "--design", "legacy", "--scenario", "sync-only", "--vcpus", "8,9", "--duration-ms", "300");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("scenario sync-only; per vCPU: 2500 sync/s + 0 async/s");
    expect(r.stdout).toContain("legacy  black eye never;  waitqueue 9 vCPUs;  livepatch refused 9 vCPUs");
    expect(r.stdout).toContain("waitqueue: 9 vCPUs, as the static answer says");
    await expectRefused("--scenario", "ring", "sim", "--scenario", "busy");
  });

  it("sweep --json adds the issue's per-run fields and onsets per design", async () => {
    const r = await xenmm("ring", "sweep", "--vcpus", "4,7,9,16", "--agent-policy", "sync-first,round-robin", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.onsets).toEqual({
      legacy: { black_eye: 4, waitqueue: 7, livepatch_refused: 7 },
      new: { black_eye: null, waitqueue: null, livepatch_refused: null },
    });
    expect(out.runs.map((x: { design: string; agent_policy: string }) => `${x.design}/${x.agent_policy}`)).toEqual([
      ...Array(4).fill("legacy/fifo"), ...Array(4).fill("new/sync-first"), ...Array(4).fill("new/round-robin"),
    ]);
    for (const run of out.runs) {
      for (const k of ["async_produced", "async_loss_fraction", "delivered_per_s", "delivered_latency_p99_us"]) expect(typeof run[k]).toBe("number");
      expect(run.async_loss_fraction).toBeCloseTo(run.async_produced ? (run.dropped + run.overwritten) / run.async_produced : 0, 12);
    }
    await expectRefused("--agent-policy", "ring", "sweep", "--agent-policy", "batch:0");
  });

  it("slots prints 8 slots per page at ABI v7 and both thresholds", async () => {
    const r = await xenmm("ring", "slots", "--json");
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.abi.at(-1)).toMatchObject({ request_bytes: 400, raw_fit: 10, slots: 8 });
    expect(t.thresholds.map((x: { blackEyeFromVcpus: number; waitqueueFromVcpus: number }) => [x.blackEyeFromVcpus, x.waitqueueFromVcpus])).toEqual([[8, 9], [10, 11]]);
    const text = await xenmm("ring", "slots", "--pages", "2");
    expect(text.stdout).toContain("power of two (Xen)");
    expect(text.stdout).toMatch(/power of two \(Xen\)\s+2\s+20\s+16\s+16 vCPUs\s+17 vCPUs/);
  });

  it("sweep --html writes a page with charts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ring-"));
    const file = join(dir, "sweep.html");
    const r = await xenmm("ring", "sweep", "--vcpus", "1,9", "--duration-ms", "50", "--html", file);
    expect(r.code).toBe(0);
    const html = await readFile(file, "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("livepatch");
  });

  it("bench --quick runs both rings and the round trip between real workers and writes its JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-ring-"));
    const file = join(dir, "bench.json");
    const r = await xenmm("ring", "bench", "--quick", "--json", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ringbuf.js");
    const report = JSON.parse(await readFile(file, "utf8"));
    expect(report.throughput.map((t: { impl: string; payload_bytes: number }) => `${t.impl} ${t.payload_bytes}`))
      .toEqual(["xenmm async ring 400", "ringbuf.js 400", "xenmm async ring 64", "ringbuf.js 64"]);
    for (const t of report.throughput) expect(t.ops_per_s).toBeGreaterThan(0);
    expect(report.sync_round_trip.map((s: { strategy: string }) => s.strategy)).toEqual(["spin-then-block", "block"]);
    for (const s of report.sync_round_trip) {
      expect(s.round_trips_timed).toBeGreaterThan(0);
      expect(s.p99_us).toBeGreaterThanOrEqual(s.p50_us);
    }
    expect(Object.keys(report.ratio_vs_ringbuf)).toEqual(["400B", "64B"]);
    for (const [k, spread] of Object.entries(report.ratio_spread) as Array<[string, { median: number; p25: number; p75: number; min: number; max: number; rounds: number }]>) {
      expect(spread.median).toBe(report.ratio_vs_ringbuf[k]);
      expect(spread.min).toBeLessThanOrEqual(spread.p25);
      expect(spread.p25).toBeLessThanOrEqual(spread.median);
      expect(spread.median).toBeLessThanOrEqual(spread.p75);
      expect(spread.p75).toBeLessThanOrEqual(spread.max);
      expect(spread.rounds).toBe(10);
    }
    expect(report.targets.ratio_at_least).toEqual({ "400B": { target: 2, met: report.ratio_vs_ringbuf["400B"] >= 2 }, "64B": { target: 1.5, met: report.ratio_vs_ringbuf["64B"] >= 1.5 } });
    expect(report.one_thread_cost.map((c: { payload_bytes: number; clock: string }) => [c.payload_bytes, c.clock])).toEqual([[400, "cpu"], [64, "cpu"]]);
    expect(r.stdout).toContain("One thread doing both sides");
    // Every round ran all four rings; the controls (xenmm publishing each event, ringbuf.js pushing groups) are reported beside them.
    expect(report.throughput_rounds).toHaveLength(10 * 4 * 2);
    expect(report.grouped_push.throughput.map((t: { impl: string; payload_bytes: number }) => `${t.impl} ${t.payload_bytes}`))
      .toEqual(["ringbuf.js, grouped push 400", "ringbuf.js, grouped push 64"]);
    expect(Object.keys(report.grouped_push.ratio_spread)).toEqual(["400B", "64B"]);
    expect(report.publish_each.throughput.map((t: { impl: string; payload_bytes: number }) => `${t.impl} ${t.payload_bytes}`))
      .toEqual(["xenmm async ring, publish each event 400", "xenmm async ring, publish each event 64"]);
    expect(Object.keys(report.publish_each.ratio_spread)).toEqual(["400B", "64B"]);
    expect(report.settings).toMatchObject({ rounds: 10, warmup_rounds: 5, messages_per_batch: 5000, pages: 16, publish_every: { "400B": 16, "64B": 64 }, release_every: { "400B": 16, "64B": 64 } });
    // Each role says where it ran; on Linux with taskset, each is pinned to the CPU it was given.
    const cores = availableParallelism();
    expect(report.threads.map((t: { payload_bytes: number; role: string; requested_cpu: number }) => [t.payload_bytes, t.role, t.requested_cpu]))
      .toEqual([[400, "paired-producer", 0], [400, "paired-consumer", 1 % cores], [64, "paired-producer", 0], [64, "paired-consumer", 1 % cores]]);
    if (hasTaskset()) for (const t of report.threads) expect(t.cpus_allowed).toBe(String(t.requested_cpu));
    expect(report.load_average.start).toHaveLength(3);
    if (process.platform === "linux") {
      expect(report.machine_load.wall_s).toBeGreaterThan(0);
      expect(report.machine_load.others_cpu_s).toBeGreaterThanOrEqual(0);
      expect(r.stdout).toMatch(/other processes used [\d.]+ CPU-s of [\d.]+ and the hypervisor stole [\d.]+ s/);
    }
    expect(r.stdout).toMatch(/load average \(1, 5, 15 min\): [\d.]+ [\d.]+ [\d.]+ at the start/);
    expect(r.stdout).toMatch(/pinned: paired-producer → CPU 0 \(allowed [^)]+\), paired-consumer → CPU/);
  });

  it("rejects bad flags with exit status 2 and says which flag", async () => {
    await expectRefused("--policy", "ring", "sim", "--policy", "sometimes");
    await expectRefused("--pages", "ring", "slots", "--pages", "200");
    const u = await xenmm("ring", "frobnicate");
    expect(u.code).toBe(2);
  });

  it("prints usage for --help on every sub-command", async () => {
    for (const sub of [[], ["sim"], ["sweep"], ["size"], ["slots"], ["hazards"], ["bench"]]) {
      const r = await xenmm("ring", ...sub, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("usage: xenmm ring");
    }
  });
});
