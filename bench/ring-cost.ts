/**
 * What each ring's code costs per message with one thread doing both sides (fill the ring,
 * drain it), so no scheduling is timed. On a machine shared with other jobs, two-thread rates
 * swing with where the threads land; this cost does not. CPU time where the runtime has it
 * (Node's process.cpuUsage), wall time otherwise (the browser). Rounds alternate the rings.
 */
import { RingBuffer } from "ringbuf.js";
import { vmevent } from "../src/index.js";
import { spreadOf, type RatioSpread } from "./spread.js";

export interface CostRow {
  payload_bytes: number;
  clock: "cpu" | "wall";
  /** Median ns per message (produce + consume), per ring. */
  xenmm_ns: number;
  ringbuf_ns: number;
  /** ringbuf.js ns / xenmm ns, per round. */
  ratio: RatioSpread;
}

type Clock = { now(): number; kind: CostRow["clock"] };

function clock(): Clock {
  const proc = (globalThis as { process?: { cpuUsage(): { user: number; system: number } } }).process;
  if (proc?.cpuUsage) return { kind: "cpu", now: () => { const u = proc.cpuUsage(); return (u.user + u.system) * 1e3; } };
  return { kind: "wall", now: () => performance.now() * 1e6 };
}

export function ringCost(payloadBytes: number, pages: number, rounds: number, fillsPerRound: number): CostRow {
  const region = vmevent.AsyncRingRegion.create(pages, "drop", payloadBytes);
  const n = region.geometry.nrSlots;
  // The same publish and release groups as the two-thread benchmark (bench/ring.ts).
  const producer = new vmevent.AsyncRingProducer(region, "drop", { publishEvery: Math.max(1, n / 8) });
  const consumer = new vmevent.AsyncRingConsumer(region, "drop", { releaseEvery: Math.max(1, n / 8) });
  const bulk = new Uint8Array(n * payloadBytes);
  const rb = new RingBuffer(RingBuffer.getStorageForCapacity(n * payloadBytes, Uint8Array as never), Uint8Array as never);
  const popped = new Uint8Array(rb.capacity());
  const message = new Uint8Array(payloadBytes);
  const fills = [
    () => { for (let i = 0; i < n; i++) producer.write(message); producer.flush(); consumer.readBatch(bulk, Infinity); },
    () => { for (let i = 0; i < n; i++) rb.push(message, payloadBytes); rb.pop(popped, n * payloadBytes); },
  ];
  const c = clock();
  const nsPerMessage = (fill: () => void) => {
    const t0 = c.now();
    for (let f = 0; f < fillsPerRound; f++) fill();
    return (c.now() - t0) / (fillsPerRound * n);
  };
  for (const fill of fills) nsPerMessage(fill); // warm-up: let the JIT settle on both
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [a, b] = round % 2 === 0 ? [0, 1] : [1, 0];
    const t = [0, 0];
    t[a] = nsPerMessage(fills[a]);
    t[b] = nsPerMessage(fills[b]);
    ours.push(t[0]);
    theirs.push(t[1]);
  }
  return {
    payload_bytes: payloadBytes, clock: c.kind, xenmm_ns: spreadOf(ours).median, ringbuf_ns: spreadOf(theirs).median,
    ratio: spreadOf(theirs.map((t, i) => t / ours[i])),
  };
}
