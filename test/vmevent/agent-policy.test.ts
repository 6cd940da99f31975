import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { AgentScheduler, parseAgentPolicy, type Pick } from "../../src/vmevent/sim/agent-policy.js";
import { SIM_DEFAULTS } from "../../src/vmevent/sim/config.js";
import { simulate } from "../../src/vmevent/sim/simulate.js";

/** Serves `steps` events with both queues always non-empty; returns the picks. */
function underLoad(policy: Parameters<typeof parseAgentPolicy>[0], steps: number, asyncWaiting = 100): Pick[] {
  const s = new AgentScheduler(parseAgentPolicy(policy));
  const picks: Pick[] = [];
  for (let i = 0; i < steps; i++) {
    const p = s.choose(true, asyncWaiting);
    picks.push(p);
    if (p !== "idle") s.served(p);
  }
  return picks;
}

describe("agent policies", () => {
  it("parse the three forms and refuse anything else with a UsageError naming the flag", () => {
    expect(parseAgentPolicy("sync-first")).toBe("sync-first");
    expect(parseAgentPolicy("round-robin")).toBe("round-robin");
    expect(parseAgentPolicy("batch:16")).toBe("batch:16");
    for (const bad of ["", "batch:0", "batch:-1", "batch:x", "batch:99999999", "fifo", "SYNC-FIRST", "batch:1e3"])
      expect(() => parseAgentPolicy(bad)).toThrow(UsageError);
    expect(() => parseAgentPolicy("nope")).toThrow(/--agent-policy/);
  });

  it("with both kinds waiting: sync-first starves async, round-robin alternates, batch:N serves N sync then a batch", () => {
    expect(underLoad("sync-first", 6)).toEqual(["sync", "sync", "sync", "sync", "sync", "sync"]);
    expect(underLoad("round-robin", 6)).toEqual(["sync", "async", "sync", "async", "sync", "async"]);
    // batch:2 with 3 async entries present when the batch starts: the batch is those 3.
    expect(underLoad("batch:2", 8, 3)).toEqual(["sync", "sync", "async", "async", "async", "sync", "sync", "async"]);
  });

  it("serves whatever is waiting when only one kind is", () => {
    for (const p of ["sync-first", "round-robin", "batch:4"] as const) {
      const s = new AgentScheduler(p);
      expect([s.choose(false, 5), s.choose(true, 0), s.choose(false, 0)]).toEqual(["async", "sync", "idle"]);
    }
  });

  it("in the simulator: round-robin loses fewer async events than sync-first under overload, and sync events still all complete or wait", () => {
    const run = (agentPolicy: "sync-first" | "round-robin") => simulate({ ...SIM_DEFAULTS, design: "new", vcpus: 16, durationMs: 300, agentPolicy });
    const first = run("sync-first");
    const rr = run("round-robin");
    expect(first.agent_policy).toBe("sync-first");
    expect(rr.agent_policy).toBe("round-robin");
    expect(rr.async_loss_fraction).toBeLessThan(first.async_loss_fraction);
    expect(rr.sync_latency_p99_us).toBeGreaterThan(first.sync_latency_p99_us);
    for (const r of [first, rr]) expect(r.async_produced).toBe(r.async_consumed + r.dropped + r.async_in_ring);
  });
});
