import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { AsyncRingRegion, type LossPolicy } from "../../src/vmevent/async-ring.js";
import { BLOCKING, EventChannelSet, SPIN_THEN_BLOCK } from "../../src/vmevent/event-channel.js";
import { SyncSlotRegion } from "../../src/vmevent/sync-slots.js";
import { newControl } from "../../src/vmevent/workers/control.js";
import { startRoles } from "../../src/vmevent/workers/node-host.js";
import type { AsyncSpec, RingbufSpec, SyncSpec } from "../../src/vmevent/workers/roles.js";
import { RingBuffer } from "ringbuf.js";

// Real worker_threads over one SharedArrayBuffer; the workers run the compiled roles from dist/.
const workerUrl = new URL("../../dist/src/vmevent/workers/node-role-worker.js", import.meta.url);

function asyncSpecs(policy: LossPolicy, perBatch: number, waitForSpace: boolean, pages = 1, payloadBytes = 64) {
  const base = {
    control: newControl().buffer as SharedArrayBuffer, participants: 2,
    ring: AsyncRingRegion.create(pages, policy, payloadBytes).buffer, pages, payloadBytes, policy, perBatch, waitForSpace, verify: true,
  };
  return [{ ...base, role: "async-producer" }, { ...base, role: "async-consumer" }] satisfies AsyncSpec[];
}

describe("async ring between two worker threads", () => {
  for (const policy of ["drop", "overwrite"] as const)
    it(`(${policy}) accounts for every event exactly while both threads run at once`, async () => {
      const group = startRoles(asyncSpecs(policy, 200_000, false), 2, { workerUrl });
      group.runBatch();
      const [producer, consumer] = await group.finish();
      const produced = producer.produced!;
      expect(produced).toBe(200_000);
      expect(consumer.corrupt).toBe(0); // payloads intact, sequence increasing, gaps = LOST counts
      expect(consumer.readsWhileProducing).toBeGreaterThan(0); // the consumer ran during production
      if (policy === "drop") {
        expect(produced).toBe(consumer.consumed! + producer.dropped!);
        expect(consumer.lostReported! + producer.unreportedLost!).toBe(producer.dropped);
        expect(consumer.overwritten).toBe(0);
      } else {
        expect(produced).toBe(consumer.consumed! + consumer.overwritten!);
        expect(producer.dropped).toBe(0);
      }
    });

  it("loses nothing when the producer waits for space, over several batches", async () => {
    const group = startRoles(asyncSpecs("drop", 50_000, true, 2, 400), 2, { workerUrl });
    for (let i = 0; i < 3; i++) group.runBatch();
    const [producer, consumer] = await group.finish();
    expect(producer.produced).toBe(150_000);
    expect(consumer.consumed).toBe(150_000);
    expect(producer.dropped).toBe(0);
    expect(consumer.corrupt).toBe(0);
    expect(producer.batches).toBe(3);
  });

  it("loses nothing when the producer publishes in groups (publishEvery), and each thread says where it ran", async () => {
    const specs = asyncSpecs("drop", 50_000, true, 2, 400).map((s) => ({ ...s, publishEvery: 16 }));
    const group = startRoles(specs, 2, { workerUrl, pinToCpus: true });
    for (let i = 0; i < 2; i++) group.runBatch();
    const [producer, consumer] = await group.finish();
    expect(producer.produced).toBe(100_000);
    expect(consumer.consumed).toBe(100_000);
    expect(producer.dropped).toBe(0);
    expect(consumer.corrupt).toBe(0); // every 400-byte payload intact (copied through the per-slot views)
    expect([producer.thread?.requested_cpu, consumer.thread?.requested_cpu]).toEqual([0, 1 % availableParallelism()]);
    if (process.platform === "linux") expect(producer.thread?.cpus_allowed).toMatch(/^[0-9][0-9,-]*$/);
  });
});

describe("ringbuf.js between two worker threads (the benchmark's baseline)", () => {
  it("delivers every message when the producer pushes groups (pushEvery), the last one short", async () => {
    const base = {
      control: newControl().buffer as SharedArrayBuffer, participants: 2,
      ring: RingBuffer.getStorageForCapacity(128 * 64, Uint8Array as never), payloadBytes: 64, perBatch: 10_007, pushEvery: 16,
    };
    const group = startRoles([{ ...base, role: "ringbuf-producer" }, { ...base, role: "ringbuf-consumer" }] satisfies RingbufSpec[], 2, { workerUrl });
    for (let i = 0; i < 2; i++) group.runBatch();
    const [producer, consumer] = await group.finish();
    expect(producer.produced).toBe(20_014);
    expect(consumer.consumed).toBe(20_014);
  });
});

describe("sync slot round trips between two worker threads", () => {
  for (const strategy of [SPIN_THEN_BLOCK, BLOCKING])
    it(`answers every request exactly once (${strategy.spins > 0 ? "spin-then-block" : "blocking"} waits)`, async () => {
      const base = {
        control: newControl().buffer as SharedArrayBuffer, participants: 2,
        slots: SyncSlotRegion.create(1).buffer, toAgent: EventChannelSet.create(1).buffer, toXen: EventChannelSet.create(1).buffer,
        perBatch: 1_000, strategy, maxSamples: 10_000,
      };
      const group = startRoles([{ ...base, role: "sync-xen" }, { ...base, role: "sync-agent" }] satisfies SyncSpec[], 1, { workerUrl });
      group.runBatch();
      group.runBatch();
      const [xen, agent] = await group.finish();
      expect(xen.roundTripsUs).toHaveLength(2_000);
      expect(agent.served).toBe(2_000);
      expect(xen.roundTripsUs!.every((us) => us > 0)).toBe(true);
    });
});
