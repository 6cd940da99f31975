/**
 * xenmm's socket server against C xenstored 4.17 (issue 11 §5): per-request latency on
 * the same machine, in the same run, the two servers alternating round by round (which
 * goes first alternates too), so drift in the machine's load hits both alike.
 *
 * One raw-protocol client connection per server, one request in flight (as libxenstore
 * does); each server runs in its own process. An operation's latency is the round trip
 * of its measured requests: a transaction counts START…END together. Set-up requests an
 * operation needs (creating what an rm removes) are sent but not timed. Reported: the
 * median per operation and server, the ratio xenmm / C, and the geomean of the ratios.
 * Target: geomean ≤ 1.0.
 *
 * For scale, a third server takes part in every round: Node's floor, a process that answers
 * every request at once with a fixed `OK` and does nothing else (its `read 1 B` is what no
 * Node server on net.Socket can beat here).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { xenstore } from "../src/index.js";
import { connectUnix, type SocketClient } from "../src/node.js";
import { startCPeer } from "./xenstore-c-peer.js";
import { quantile, round } from "./stats.js";
import { startXenmmServer } from "./xenstore.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { pinToCpu } from "./cpu-affinity.js";

type XsClient = xenstore.XsClient;

/** One measured operation: `prepare` (untimed), then `run` (timed). */
interface Operation {
  name: string;
  prepare?: (c: XsClient, i: number) => Promise<unknown>;
  run: (c: XsClient, i: number) => Promise<unknown>;
}

const V2000 = "v".repeat(2000);

const OPERATIONS: Operation[] = [
  { name: "read 1 B", run: (c) => c.read("/bench/one") },
  { name: "read 2000 B", run: (c) => c.read("/bench/big") },
  { name: "write 1 B", run: (c, i) => c.write("/bench/w1", String(i % 10)) },
  { name: "write 2000 B", run: (c) => c.write("/bench/w2000", V2000) },
  { name: "directory (20)", run: (c) => c.directory("/bench/dir") },
  { name: "rm node", prepare: (c, i) => c.write(`/bench/rm/n${i}`, "x"), run: (c, i) => c.rm(`/bench/rm/n${i}`) },
  {
    name: "rm subtree (11)",
    prepare: async (c, i) => { for (let k = 0; k < 10; k++) await c.write(`/bench/rt/t${i}/k${k}`, "x"); },
    run: (c, i) => c.rm(`/bench/rt/t${i}`),
  },
  { name: "tx empty commit", run: async (c) => c.end(await c.start(), true) },
  { name: "tx empty abort", run: async (c) => c.end(await c.start(), false) },
  {
    name: "tx read-modify-write",
    run: async (c) => {
      const tx = await c.start();
      const n = Number(await c.read("/bench/counter", tx));
      await c.write("/bench/counter", String(n + 1), tx);
      await c.end(tx, true);
    },
  },
];

/** A Node process that answers each framed request with the same type and `OK\0` (the I/O floor). */
const FLOOR_SERVER = `
import { createServer } from "node:net";
const reply = Buffer.from([0,0,0,0, 0,0,0,0, 0,0,0,0, 3,0,0,0, 79,75,0]);
createServer((s) => {
  let pending = Buffer.alloc(0);
  s.on("data", (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 16 && pending.length >= 16 + pending.readUInt32LE(12)) {
      const out = Buffer.from(reply);
      pending.copy(out, 0, 0, 12);
      s.write(out);
      pending = pending.subarray(16 + pending.readUInt32LE(12));
    }
  });
}).listen(process.argv[1], () => process.stdout.write("ready\\n"));
`;

async function startFloorServer(): Promise<{ socket: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "xenmm-floor-"));
  const socket = join(dir, "socket");
  const child = spawn(process.execPath, ["--input-type=module", "-e", FLOOR_SERVER, socket], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`floor server exited (${code})`)));
  });
  return {
    socket,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function populate(c: XsClient): Promise<void> {
  await c.write("/bench/one", "1");
  await c.write("/bench/big", V2000);
  await c.write("/bench/counter", "0");
  for (let k = 0; k < 20; k++) await c.write(`/bench/dir/child-${k}`, "");
}

/** `count` timed runs of `op`, numbered from `first` (rm needs fresh nodes); latencies in µs. */
async function sample(c: XsClient, op: Operation, first: number, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = first; i < first + count; i++) {
    await op.prepare?.(c, i);
    const t = performance.now();
    await op.run(c, i);
    out.push((performance.now() - t) * 1000);
  }
  return out;
}

const median = (xs: readonly number[]): number => (xs.length === 0 ? 0 : quantile(xs, 0.5));

export interface VsCRow {
  operation: string;
  xenmm_p50_us: number;
  c_p50_us: number;
  /** xenmm / C: below 1 is faster than C. */
  ratio: number;
}

export interface XenstoreVsCOptions {
  /** 100 requests per round instead of 300. */
  quick: boolean;
  /** Alternating rounds per server. */
  rounds: number;
  /** Called after each round. */
  onProgress?: (done: number, total: number) => void;
  /** The one CPU the client and every server run on (bench/cpu-affinity.ts), or null to leave them unpinned. */
  cpu: number | null;
}

export interface XenstoreVsCReport {
  suite: "xenstore-vs-c";
  machine: MachineInfo;
  quick: boolean;
  rounds: number;
  per_round: number;
  /** The CPU everything ran on, or null (then `cpu_unpinned_reason` says why). */
  cpu: number | null;
  cpu_unpinned_reason?: string;
  geomean: number;
  node_floor_read_p50_us: number;
  node_floor_ratio: number;
  rows: VsCRow[];
}

export async function runXenstoreVsC({ quick, rounds, cpu, onProgress }: XenstoreVsCOptions): Promise<XenstoreVsCReport> {
  const perRound = quick ? 100 : 300;
  // Before any server starts, so each inherits the pin.
  const pin = cpu === null ? { cpu: null, reason: "--cpu none", restore() {} } : pinToCpu(cpu);

  const peer = await startCPeer();
  const others: Array<{ stop(): Promise<void> }> = [];
  const clients: SocketClient[] = [];
  const samples = { xenmm: new Map<string, number[]>(), c: new Map<string, number[]>() };
  const floor: number[] = [];
  try {
    const ours = await startXenmmServer();
    others.push(ours);
    const floorServer = await startFloorServer();
    others.push(floorServer);
    clients.push(await connectUnix(ours.socket), await connectUnix(peer.socket), await connectUnix(floorServer.socket));
    const servers = [{ name: "xenmm" as const, client: clients[0]!.client }, { name: "c" as const, client: clients[1]!.client }];
    const floorClient = clients[2]!.client;
    for (const s of servers) await populate(s.client);
    // Warm up all (JIT, caches) before anything is timed.
    for (const s of servers) for (const op of OPERATIONS) await sample(s.client, op, 1_000_000, 100);
    await sample(floorClient, OPERATIONS[0]!, 0, 3000);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const op of OPERATIONS) {
        for (const s of order) {
          const got = await sample(s.client, op, r * perRound, perRound);
          const all = samples[s.name].get(op.name) ?? [];
          samples[s.name].set(op.name, all.concat(got));
        }
      }
      floor.push(...await sample(floorClient, OPERATIONS[0]!, 0, perRound));
      onProgress?.(r + 1, rounds);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    for (const o of others) await o.stop();
    await peer.stop();
    pin.restore();
  }

  const rows: VsCRow[] = OPERATIONS.map((op) => {
    const x = median(samples.xenmm.get(op.name)!);
    const c = median(samples.c.get(op.name)!);
    return { operation: op.name, xenmm_p50_us: round(x, 1), c_p50_us: round(c, 1), ratio: round(x / c, 3) };
  });
  const geomean = round(Math.exp(rows.reduce((a, r) => a + Math.log(r.ratio), 0) / rows.length), 3);
  const floorP50 = round(median(floor), 1);
  const floorRatio = round(floorP50 / rows[0]!.c_p50_us, 3);
  return {
    suite: "xenstore-vs-c", machine: await machineInfo(), quick, rounds, per_round: perRound, cpu: pin.cpu,
    ...(pin.cpu === null ? { cpu_unpinned_reason: pin.reason } : {}), geomean, node_floor_read_p50_us: floorP50, node_floor_ratio: floorRatio, rows,
  };
}
