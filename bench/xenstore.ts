/**
 * xenstored benchmark: request latency and throughput over the unix socket with a
 * raw-protocol client (src/xenstore/client.ts), the server running as a separate
 * `xenmm xenstored --socket` process so client and server each get a core.
 *
 * Latency: one connection, one request in flight (as libxenstore does), percentiles of
 * the round trip. Throughput: 1 or 64 connections, each a closed loop of one request at
 * a time, for a fixed time. Mixes: read, write, directory (20 children), transaction
 * (START, READ, WRITE, END = 4 requests) and a 70/20/10 read/write/directory mix.
 * Targets (issue 5): median read ≤ 30 µs (C xenstored 4.17 here), ≥ 50,000 ops/s at 64.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { xenstore } from "../src/index.js";
import { connectUnix, type SocketClient } from "../src/node.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { quantile, round } from "./stats.js";

type XsClient = xenstore.XsClient;

export interface XsBenchResult {
  name: string;
  connections: number;
  /** Requests completed (a transaction counts its 4 requests). */
  requests: number;
  seconds: number;
  ops_per_s: number;
  p50_us: number;
  p99_us: number;
}

type Mix = "read" | "write" | "directory" | "transaction" | "mixed";
const MIXES: Mix[] = ["read", "write", "directory", "transaction", "mixed"];

/** One unit of work of a mix; resolves with the number of requests it made. */
function operation(mix: Mix, c: XsClient, id: number): () => Promise<number> {
  let i = 0;
  switch (mix) {
    case "read": return async () => { await c.read("/bench/key"); return 1; };
    case "write": return async () => { await c.write(`/bench/w/${id}`, `${i++}`); return 1; };
    case "directory": return async () => { await c.directory("/bench/dir"); return 1; };
    case "transaction": return async () => {
      for (;;) {
        const tx = await c.start();
        await c.read("/bench/key", tx);
        await c.write(`/bench/t/${id}`, `${i++}`, tx);
        try {
          await c.end(tx);
          return 4;
        } catch { /* EAGAIN: retry, as the C clients do */ }
      }
    };
    case "mixed": return async () => {
      const r = (i++ * 7919) % 10;
      if (r < 7) await c.read("/bench/key");
      else if (r < 9) await c.write(`/bench/m/${id}`, `${i}`);
      else await c.directory("/bench/dir");
      return 1;
    };
  }
}

/** A `xenmm xenstored --socket` process on a socket in a fresh temp dir. */
export async function startXenmmServer(): Promise<{ socket: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "xenmm-bench-"));
  const socket = join(dir, "socket");
  const child = await startServer(socket).catch(async (e) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    socket,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startServer(socket: string): Promise<ChildProcess> {
  const main = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const child = spawn(process.execPath, [main, "xenstored", "--socket", socket, "--log-level", "error"], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err += d;
      if (err.includes("listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`xenstored exited (${code}): ${err}`)));
  });
  return child;
}

async function measure(name: string, clients: SocketClient[], mix: Mix, seconds: number): Promise<XsBenchResult> {
  const ops = clients.map(({ client }, id) => operation(mix, client, id));
  // Warm up (JIT, socket buffers) before timing.
  for (const op of ops) for (let k = 0; k < 50; k++) await op();
  const latencies: number[] = [];
  let requests = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(ops.map(async (op) => {
    while (performance.now() < deadline) {
      const s = performance.now();
      const n = await op(); // not `requests += await op()`: that reads `requests` before awaiting
      requests += n;
      latencies.push((performance.now() - s) * 1000);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    name, connections: clients.length, requests, seconds: round(elapsed, 3),
    ops_per_s: Math.round(requests / elapsed), p50_us: round(quantile(latencies, 0.5), 1), p99_us: round(quantile(latencies, 0.99), 1),
  };
}


export interface XenstoreBenchOptions {
  /** 0.3 s per mix instead of 2 s. */
  quick: boolean;
  /** Called after each mix. */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface XenstoreBenchReport {
  suite: "xenstore";
  machine: MachineInfo;
  quick: boolean;
  results: XsBenchResult[];
  targets: { read_p50_us: number; read_p50_met: boolean; read_64_ops_per_s: number; best_64_ops_per_s: number; best_64_met: boolean };
}

const CONNECTIONS = [1, 64];

export async function runXenstoreBench({ quick, onProgress }: XenstoreBenchOptions): Promise<XenstoreBenchReport> {
  const seconds = quick ? 0.3 : 2;
  const dir = await mkdtemp(join(tmpdir(), "xenmm-bench-"));
  const socket = join(dir, "socket");
  const server = await startServer(socket);
  const results: XsBenchResult[] = [];
  try {
    const setup = await connectUnix(socket);
    await setup.client.write("/bench/key", "value");
    for (let k = 0; k < 20; k++) await setup.client.write(`/bench/dir/child-${k}`, "");
    await setup.close();
    for (const n of CONNECTIONS) {
      const clients = await Promise.all(Array.from({ length: n }, () => connectUnix(socket)));
      for (const mix of MIXES) {
        results.push(await measure(`${mix}`, clients, mix, seconds));
        onProgress?.(results.length, CONNECTIONS.length * MIXES.length, `${mix} × ${n}`);
      }
      await Promise.all(clients.map((c) => c.close()));
    }
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await rm(dir, { recursive: true, force: true });
  }
  const find = (name: string, connections: number) => results.find((r) => r.name === name && r.connections === connections)!;
  const best64 = Math.max(...results.filter((r) => r.connections === 64).map((r) => r.ops_per_s));
  const read1 = find("read", 1).p50_us;
  return {
    suite: "xenstore", machine: await machineInfo(), quick, results,
    targets: { read_p50_us: read1, read_p50_met: read1 <= 30, read_64_ops_per_s: find("read", 64).ops_per_s, best_64_ops_per_s: best64, best_64_met: best64 >= 50_000 },
  };
}
