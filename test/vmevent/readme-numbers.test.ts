import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { onsets } from "../../src/vmevent/onsets.js";
import { SIM_DEFAULTS } from "../../src/vmevent/sim/config.js";
import { sweep } from "../../src/vmevent/sim/simulate.js";

// The README's vm_event numbers are what the verbs print for the flags it states.
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("## vm_event rings"), readme.indexOf("## xenstored"));
const pct = (f: number) => `${(f * 100).toFixed(1)} %`;
const grouped = (n: number) => n.toFixed(0).replace(/\B(?=(\d{3})+$)/g, " ");

describe("README vm_event section", () => {
  const runs = sweep(["legacy", "new"], [4, 7, 8, 9, 16, 64], SIM_DEFAULTS, ["sync-first", "round-robin"]);
  const at = (design: string, vcpus: number, agent = "sync-first") =>
    runs.find((r) => r.design === design && r.vcpus === vcpus && (design === "legacy" || r.agent_policy === agent))!;

  it("states the onsets `ring sim` prints for the default load", () => {
    const o = onsets(runs).legacy!;
    expect(section).toContain(`| black eye | **${o.black_eye} vCPUs** (${at("legacy", 4).blackeye_pauses} pauses)`);
    expect(section).toContain(`| waitqueue | **${o.waitqueue} vCPUs** (${at("legacy", 7).waitqueue_entries} entries; ${at("legacy", 8).waitqueue_entries} at 8)`);
    expect(section).toContain(`| livepatch refused | **${o.livepatch_refused} vCPUs**`);
  });

  it("states the blocking, loss and latency figures of the default sweep", () => {
    const l16 = at("legacy", 16);
    const l64 = at("legacy", 64);
    expect(section).toContain(`${pct(l16.vcpu_time.blackeye + l16.vcpu_time.waitqueue)} of their time black-eyed or on the waitqueue and a livepatch would be refused ${pct(l16.livepatch_blocked_fraction)}`);
    expect(section).toContain(`at 64 vCPUs, ${pct(l64.vcpu_time.blackeye + l64.vcpu_time.waitqueue)} and ${pct(l64.livepatch_blocked_fraction)}`);
    const n9 = at("new", 9);
    const n16 = at("new", 16);
    const n64 = at("new", 64);
    expect(section).toContain(`(${pct(n9.async_loss_fraction)} at 9), loses ${pct(n16.async_loss_fraction)} at 16 and ${pct(n64.async_loss_fraction)} at 64`);
    expect(section).toContain(`(${n64.lost} of ${n64.async_produced}), while delivering ${grouped(n64.delivered_per_s)} events/s`);
    expect(section).toContain(`from ${grouped(n16.delivered_latency_p99_us)} µs at\n16 vCPUs`);
    const rr64 = at("new", 64, "round-robin");
    expect(section).toContain(`their p99 rises from ${n64.sync_latency_p99_us.toFixed(0)} µs to ${rr64.sync_latency_p99_us.toFixed(0)} µs`);
    expect(section).toContain(`vCPUs run ${pct(rr64.vcpu_time.running)} of the time instead of\n${pct(n64.vcpu_time.running)}`);
    expect(rr64.async_loss_fraction).toBeLessThan(0.01);
  });
});
