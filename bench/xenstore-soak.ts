/**
 * xenstored under hostile guests and clients (issue 11 §3), for a bounded time: the
 * server, its ring guests and its socket clients in this one process, RSS sampled every
 * 20 ms. Attacks, one after another:
 *
 *   flood-same   guest 5 registers 128 watches with 1000-byte tokens on a node of guest 6
 *                and stops reading; guest 6 writes that node again and again
 *                (identical pending events → dropped as duplicates)
 *   flood-new    the same, but guest 6 creates a new child each time (distinct events →
 *                queued up to guest 5's hard memory quota, then dropped)
 *   stale        guest 7 stops reading with 4 watches; its events expire after the
 *                watch-event timeout (shortened here so the soak stays bounded)
 *   overlong     a dom0 watcher with a 4000-byte token, writes under 3000-byte paths
 *   deaf-socket  a dom0 socket client watches /deaf with a 1000-byte token and stops
 *                reading; another dom0 client writes 5,000 distinct children over and over
 *                (events wait in the connection's queue, merged when identical, dropped
 *                past 1 MiB; a guest writer would instead be held at 20 outstanding)
 *   slow-readers 30 socket clients each send 20,000 READs of a 4000-byte value and never
 *                read (80 MB of replies each if nothing stopped them), then close
 *
 * Reports, per attack, the events dropped by reason, the largest per-domain memory
 * charge, peak RSS, and RSS after the attack's connections are gone.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { xenstore } from "../src/index.js";
import { UnixSocketTransport } from "../src/node.js";
import { machineInfo, type MachineInfo } from "./machine.js";
import { round } from "./stats.js";

const { EventChannel, MsgType, RingGuest, RingPage, RingTransport, XenstoreServer, connectInProcess, encodeMessage, joinStrings } = xenstore;
type EventDrops = xenstore.EventDrops;
type RingGuest = xenstore.RingGuest;

export interface SoakRow extends EventDrops {
  attack: string;
  seconds: number;
  /** Requests the attacker sent. */
  requests: number;
  /** Largest memory charged to one domain during the attack (bytes). */
  max_domain_bytes: number;
  peak_rss_mib: number;
  rss_after_mib: number;
  /** V8 heap in use plus external buffers after a full GC: what the server still holds. */
  js_after_mib: number;
}

const MIB = 1024 * 1024;
const SLOW_CLIENTS = 30;
const READS_PER_CLIENT = 20_000;
/** The soak's watch-event timeout (C's is 20 s): short enough to expire within the run. */
const SOAK_EVENT_TIMEOUT_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A way to ask V8 for a full collection, so "RSS after" is not just garbage not yet collected. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

class RssSampler {
  peak = 0;
  private readonly timer = setInterval(() => this.sample(), 20);
  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return rss;
  }
  reset(): void {
    this.peak = this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** The server with its ring transport, dom0 client and guests. */
class SoakBed {
  readonly server = new XenstoreServer({ watchEventTimeoutMs: SOAK_EVENT_TIMEOUT_MS });
  readonly rings = new RingTransport(this.server);
  readonly dom0 = connectInProcess(this.server).client;
  private readonly guests: RingGuest[] = [];
  private writer?: RingGuest;
  maxDomainBytes = 0;

  /** Guest 6, the one that writes. */
  async writerGuest(): Promise<RingGuest> {
    return (this.writer ??= await this.guest(6));
  }

  /** Builds a domain with its home owned by it and a guest running on its ring. */
  async guest(domid: number): Promise<RingGuest> {
    const ring = { page: RingPage.allocate(), evtchn: new EventChannel() };
    this.rings.seed(domid, BigInt(domid), ring);
    await this.dom0.write(`/local/domain/${domid}`, "");
    await this.dom0.call(MsgType.SET_PERMS, [`/local/domain/${domid}`, `n${domid}`, "r0"]);
    await this.dom0.call(MsgType.INTRODUCE, [`${domid}`, `${domid}`, "1"]);
    const g = new RingGuest(ring.page, ring.evtchn);
    this.guests.push(g);
    return g;
  }

  /** A guest that registers `n` watches on `path` with 1000-byte tokens, then stops reading. */
  async deafWatcher(domid: number, path: string, n: number): Promise<void> {
    const g = await this.guest(domid);
    for (let i = 0; i < n; i++) await g.client.watch(path, `${i}`.padStart(1000, "t"));
    await g.close();
  }

  noteMemory(domids: number[]): void {
    for (const d of domids) this.maxDomainBytes = Math.max(this.maxDomainBytes, this.server.memory.of(d));
  }

  async close(): Promise<void> {
    await Promise.all(this.guests.map((g) => g.close()));
    this.rings.close();
  }
}

/** Runs `body` until `until` ms from now; returns the requests it made. */
async function forAWhile(until: number, body: (i: number) => Promise<void>): Promise<number> {
  let i = 0;
  while (performance.now() < until) await body(i++);
  return i;
}

async function floodAttack(bed: SoakBed, ms: number, distinct: boolean): Promise<number> {
  const path = "/local/domain/6/data";
  const writer = await bed.writerGuest();
  await bed.dom0.write(path, "");
  await bed.dom0.call(MsgType.SET_PERMS, [path, "n6", "r5", "r15"]);
  await bed.deafWatcher(distinct ? 15 : 5, path, 128);
  const until = performance.now() + ms;
  return forAWhile(until, async (i) => {
    // Distinct children, within guest 6's 1000-node quota.
    await writer.client.write(distinct ? `data/${i % 900}` : "data", `${i}`);
    if (i % 64 === 0) bed.noteMemory([5, 15]);
  });
}

async function staleAttack(bed: SoakBed, ms: number): Promise<number> {
  await bed.deafWatcher(7, "/local/domain/7", 4);
  const until = performance.now() + Math.min(ms, SOAK_EVENT_TIMEOUT_MS / 2);
  const n = await forAWhile(until, (i) => bed.dom0.write(`/local/domain/7/n${i % 500}`, `${i}`).then(() => {}));
  bed.noteMemory([7]);
  await sleep(SOAK_EVENT_TIMEOUT_MS * 2.5); // every unread event passes its deadline
  return n;
}

async function overlongAttack(bed: SoakBed, ms: number): Promise<number> {
  const watcher = connectInProcess(bed.server).client;
  await watcher.watch("/w", "t".repeat(4000));
  const until = performance.now() + ms;
  const path = `/w/${"p".repeat(3000)}`; // one node: the store does not grow, only events are refused
  return forAWhile(until, (i) => bed.dom0.write(path, `${i}`).then(() => {}));
}

/**
 * The slow readers live in a child process, so this process's RSS is the server's alone:
 * each connects, writes its READs, never reads, and all close when told (stdin ends).
 */
const SLOW_READER_SCRIPT = `
const net = require("node:net");
const [path, clients, requestHex, count] = process.argv.slice(1);
const burst = Buffer.from(requestHex.repeat(Number(count)), "hex");
const sockets = [];
for (let i = 0; i < Number(clients); i++) {
  const s = net.connect(path, () => { s.pause(); s.write(burst); });
  s.on("error", () => {});
  sockets.push(s);
}
process.stdin.on("end", () => { for (const s of sockets) s.destroy(); process.exit(0); });
process.stdin.resume();
`;

/** A dom0 socket client (a child process, like the slow readers) that watches `path` and never reads. */
const DEAF_WATCHER_SCRIPT = `
const net = require("node:net");
const [path, watchHex] = process.argv.slice(1);
const s = net.connect(path, () => { s.pause(); s.write(Buffer.from(watchHex, "hex")); process.stdout.write("watching\\n"); });
s.on("error", () => {});
process.stdin.on("end", () => { s.destroy(); process.exit(0); });
process.stdin.resume();
`;

async function deafSocketAttack(bed: SoakBed, socketPath: string, ms: number): Promise<number> {
  const path = "/deaf";
  await bed.dom0.write(path, "");
  const watch = encodeMessage({ type: MsgType.WATCH, reqId: 0, txId: 0, payload: joinStrings([path, "t".repeat(1000)]) });
  const child = spawn(process.execPath, ["-e", DEAF_WATCHER_SCRIPT, socketPath, Buffer.from(watch).toString("hex")],
    { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise((r) => child.stdout!.once("data", r));
  while (![...bed.server.connections].some((c) => c.watches.length > 0 && c.output !== undefined)) await sleep(5);
  const n = await forAWhile(performance.now() + ms, (i) => bed.dom0.write(`${path}/c${i % 5000}`, `${i}`).then(() => {}));
  child.stdin!.end();
  await new Promise((r) => child.once("exit", r));
  return n;
}

async function slowReaders(socketPath: string, ms: number): Promise<number> {
  const read = encodeMessage({ type: MsgType.READ, reqId: 0, txId: 0, payload: joinStrings(["/big"]) });
  const one = Buffer.from(read).toString("hex");
  const child = spawn(process.execPath, ["-e", SLOW_READER_SCRIPT, socketPath, `${SLOW_CLIENTS}`, one, `${READS_PER_CLIENT}`],
    { stdio: ["pipe", "ignore", "inherit"] });
  await sleep(ms);
  child.stdin!.end();
  await new Promise((r) => child.once("exit", r));
  return SLOW_CLIENTS * READS_PER_CLIENT;
}

export interface XenstoreSoakOptions {
  /** Total run time in seconds, shared by the attacks. */
  seconds: number;
  /** Called after each attack. */
  onProgress?: (done: number, total: number, attack: string) => void;
}

export interface SoakReport {
  suite: "xenstore-soak";
  machine: MachineInfo;
  /** RSS and JS memory before the first attack. */
  before: { rss_mib: number; js_mib: number };
  quotas: { memory: number | undefined; soft_memory: number | undefined; event_timeout_ms: number };
  rows: SoakRow[];
}

export async function runXenstoreSoak({ seconds: total, onProgress }: XenstoreSoakOptions): Promise<SoakReport> {
  const slice = (total * 1000) / 9; // six attacks; the stale one also waits out its timeout
  const gc = collector();
  const rss = new RssSampler();
  const bed = new SoakBed();
  const dir = await mkdtemp(join(tmpdir(), "xenmm-soak-"));
  const socket = new UnixSocketTransport(bed.server, join(dir, "socket"));
  await socket.listen();
  await bed.dom0.write("/big", "v".repeat(4000));
  const rows: SoakRow[] = [];
  gc();
  const before = { rss_mib: round(rss.sample() / MIB, 1), js_mib: jsMib() };
  const attacks: Array<[string, () => Promise<number>, number[]]> = [
    ["flood-same", () => floodAttack(bed, slice, false), [5]],
    ["flood-new", () => floodAttack(bed, slice, true), [15]],
    ["stale", () => staleAttack(bed, slice), [7]],
    ["overlong", () => overlongAttack(bed, slice), []],
    ["deaf-socket", () => deafSocketAttack(bed, socket.path, slice), []],
    ["slow-readers", () => slowReaders(socket.path, slice * 2), []],
  ];
  try {
    for (const [attack, run, victims] of attacks) {
      const dropsBefore = { ...bed.server.drops };
      bed.maxDomainBytes = 0;
      gc();
      rss.reset();
      const t0 = performance.now();
      const requests = await run();
      const seconds = (performance.now() - t0) / 1000;
      bed.noteMemory(victims);
      const peak = Math.max(rss.peak, rss.sample());
      // The victims' connections go away (RELEASE / the sockets closed above): all freed?
      for (const d of victims) await bed.dom0.call(MsgType.RELEASE, [`${d}`]);
      for (let i = 0; i < 5; i++) { // closed sockets are finalised over a few turns
        await sleep(100);
        gc();
      }
      const drops = { ...dropsBefore };
      for (const k of Object.keys(drops) as Array<keyof EventDrops>) drops[k] = bed.server.drops[k] - dropsBefore[k];
      rows.push({
        attack, seconds: round(seconds, 2), requests, ...drops, max_domain_bytes: bed.maxDomainBytes,
        peak_rss_mib: round(peak / MIB, 1), rss_after_mib: round(rss.sample() / MIB, 1), js_after_mib: jsMib(),
      });
      onProgress?.(rows.length, attacks.length, attack);
    }
  } finally {
    rss.stop();
    await socket.close();
    await bed.close();
    await rm(dir, { recursive: true, force: true });
  }
  const quotas = { memory: bed.server.quotas.get("memory"), soft_memory: bed.server.quotas.get("soft-memory"), event_timeout_ms: SOAK_EVENT_TIMEOUT_MS };
  return { suite: "xenstore-soak", machine: await machineInfo(), before, quotas, rows };
}

function jsMib(): number {
  const m = process.memoryUsage();
  return round((m.heapUsed + m.external) / MIB, 1);
}
