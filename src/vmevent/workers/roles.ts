/**
 * What each worker does in the two-thread experiments (benchmarks and concurrency tests).
 * Runtime-neutral: no Node or DOM imports, so a Web Worker can run the same functions; only
 * the host that spawns workers differs (node-host.ts for worker_threads).
 *
 * Every role: arrive at the start barrier, then for each batch released through `go`, do its
 * part and (if it participates) bump `done`; on `stop`, return its counters.
 */
import { RingBuffer } from "ringbuf.js";
import { AsyncRingRegion, asyncRingGeometry, type LossPolicy } from "../async-ring.js";
import { AsyncRingProducer } from "../async-producer.js";
import { AsyncRingConsumer } from "../async-consumer.js";
import { EventChannelSet, type WaitStrategy } from "../event-channel.js";
import { answer, newEntry } from "../request.js";
import { SyncSlotRegion, SyncSlotsConsumer, SyncSlotsXen } from "../sync-slots.js";
import { arriveAndWait, batchLoop, CONTROL, pollUntil } from "./control.js";
import { guestBalloon, guestScribbler, type BalloonSpec, type ScribblerSpec } from "./guest-roles.js";

export interface RoleCommon {
  control: SharedArrayBuffer;
  participants: number;
}

export interface AsyncSpec extends RoleCommon {
  role: "async-producer" | "async-consumer";
  ring: SharedArrayBuffer;
  pages: number;
  payloadBytes: number;
  policy: LossPolicy;
  perBatch: number;
  /** Producer waits for a free slot (benchmarks measure capacity); false lets it drop/overwrite. */
  waitForSpace: boolean;
  /** Fill and check payload patterns and sequence gaps (tests). */
  verify: boolean;
  /** Consumer publishes cons_idx every this many entries (see AsyncConsumerOptions). */
  releaseEvery?: number;
  /** Producer publishes prod_idx every this many entries, and before it waits and at the end of each batch (see AsyncProducerOptions). */
  publishEvery?: number;
}

export interface RingbufSpec extends RoleCommon {
  role: "ringbuf-producer" | "ringbuf-consumer";
  ring: SharedArrayBuffer;
  payloadBytes: number;
  perBatch: number;
  /**
   * Producer: messages per push (default 1). Above 1 it builds each message in place in a
   * staging array of that many messages and pushes the whole group in one call (one publish
   * of write_ptr), the only way ringbuf.js's API lets a caller publish less often.
   */
  pushEvery?: number;
}

export interface SyncSpec extends RoleCommon {
  role: "sync-xen" | "sync-agent";
  slots: SharedArrayBuffer;
  toAgent: SharedArrayBuffer;
  toXen: SharedArrayBuffer;
  perBatch: number;
  strategy: WaitStrategy;
  maxSamples: number;
}

export interface PairedSpec extends RoleCommon {
  role: "paired-producer" | "paired-consumer";
  ours: Omit<AsyncSpec, "role" | keyof RoleCommon>;
  theirs: Omit<RingbufSpec, "role" | keyof RoleCommon>;
  /** Optional third ring: the xenmm async ring again, on its own buffer, with other options (select 2). */
  oursAlt?: Omit<AsyncSpec, "role" | keyof RoleCommon>;
  /** Optional fourth ring: ringbuf.js again, on its own buffer, with other options (select 3; needs oursAlt). */
  theirsAlt?: Omit<RingbufSpec, "role" | keyof RoleCommon>;
  /** One Int32 word: which implementation runs the next batch (0 ours, 1 ringbuf.js, 2 oursAlt, 3 theirsAlt). */
  select: SharedArrayBuffer;
  /**
   * Two Float64 words: how long the last batch took on the producer's and on the consumer's
   * thread (ms, each from the moment it saw the batch released to the moment its part was
   * done). Timing in the workers leaves out the main thread's own wake-up.
   */
  times?: SharedArrayBuffer;
}

export type RoleSpec = AsyncSpec | RingbufSpec | SyncSpec | PairedSpec | ScribblerSpec | BalloonSpec;

export interface ThreadPlacement {
  /** The CPU the host asked the thread to pin itself to, or null for none. */
  requested_cpu: number | null;
  /** The thread's own Cpus_allowed_list from /proc/thread-self/status, or null if unreadable. */
  cpus_allowed: string | null;
}

export interface RoleResult {
  role: RoleSpec["role"];
  batches: number;
  produced?: number;
  consumed?: number;
  dropped?: number;
  overwritten?: number;
  lostReported?: number;
  unreportedLost?: number;
  /** Reads that happened before the producer had finished its batch: the threads overlapped. */
  readsWhileProducing?: number;
  /** Payload or sequence checks that failed (verify mode). */
  corrupt?: number;
  /** Sync round trips, µs (sync-xen). */
  roundTripsUs?: number[];
  served?: number;
  /** Paired roles: the xenmm async ring's counters, then ringbuf.js's. */
  parts?: RoleResult[];
  /** Words a hostile guest wrote (guest-scribbler). */
  hostileWrites?: number;
  /** Where the thread ran, as the thread itself saw it at the end (Node on Linux; absent elsewhere). */
  thread?: ThreadPlacement;
  /** Result of each balloon-driver action (guest-balloon). */
  balloonResults?: string[];
}

const SEQ_BYTES = 4;

/** Payload of event `seq`: its sequence number, then a pattern derived from it (verify mode). */
function fillPayload(view: DataView, bytes: Uint8Array, seq: number, verify: boolean): void {
  view.setUint32(0, seq, true);
  if (verify) for (let i = SEQ_BYTES; i < bytes.length; i++) bytes[i] = (seq * 7 + i) & 0xff;
}

function payloadIntact(bytes: Uint8Array, seq: number): boolean {
  for (let i = SEQ_BYTES; i < bytes.length; i++) if (bytes[i] !== ((seq * 7 + i) & 0xff)) return false;
  return true;
}

export function runRole(spec: RoleSpec): RoleResult {
  const control = new Int32Array(spec.control);
  arriveAndWait(control, spec.participants);
  switch (spec.role) {
    case "async-producer": return runWork(control, asyncProducer(spec as AsyncSpec, control));
    case "async-consumer": return runWork(control, asyncConsumer(spec as AsyncSpec, control));
    case "ringbuf-producer": return runWork(control, ringbufProducer(spec as RingbufSpec, control));
    case "ringbuf-consumer": return runWork(control, ringbufConsumer(spec as RingbufSpec));
    case "paired-producer":
    case "paired-consumer": return paired(spec as PairedSpec, control);
    case "sync-xen": return syncXen(spec as SyncSpec, control);
    case "sync-agent": return syncAgent(spec as SyncSpec, control);
    case "guest-scribbler": return guestScribbler(spec as ScribblerSpec, control);
    case "guest-balloon": return guestBalloon(spec as BalloonSpec, control);
  }
}

function asyncRegion(spec: AsyncSpec): AsyncRingRegion {
  return new AsyncRingRegion(spec.ring, 0, asyncRingGeometry(spec.pages, spec.payloadBytes));
}

/** One role's part of a batch, and its counters once the batches are over. */
interface Work {
  batch(n: number): void;
  result(batches: number): RoleResult;
}

function runWork(control: Int32Array, work: Work): RoleResult {
  return work.result(batchLoop(control, true, (n) => work.batch(n)));
}

function asyncProducer(spec: AsyncSpec, control: Int32Array): Work {
  const producer = new AsyncRingProducer(asyncRegion(spec), spec.policy, { publishEvery: spec.publishEvery });
  const payload = new Uint8Array(spec.payloadBytes);
  const view = new DataView(payload.buffer);
  let seq = 0;
  const hasSpace = () => producer.free() > 0; // made once: a closure per wait would be garbage per wait
  const batch = (batch: number) => {
    for (let i = 0; i < spec.perBatch; i++) {
      // Benchmarks measure transfer capacity, so they wait for space; the producer itself never blocks.
      if (spec.waitForSpace && producer.free() === 0) {
        producer.flush(); // what is written becomes visible before we wait for the consumer
        pollUntil(hasSpace);
      }
      fillPayload(view, payload, seq++, spec.verify);
      producer.write(payload);
    }
    producer.flush();
    Atomics.store(control, CONTROL.producedBatch, batch); // everything of this batch is written
  };
  return {
    batch,
    result: (batches) => ({
      role: spec.role, batches, produced: producer.counters.produced,
      dropped: producer.region.dropped(), unreportedLost: producer.unreportedLost(),
    }),
  };
}

function asyncConsumer(spec: AsyncSpec, control: Int32Array): Work {
  const consumer = new AsyncRingConsumer(asyncRegion(spec), spec.policy, { releaseEvery: spec.releaseEvery });
  const out = new Uint8Array(spec.payloadBytes);
  const view = new DataView(out.buffer);
  // Benchmarks consume in bulk, as ringbuf.js's consumer pops in bulk; verify mode checks each event.
  const bulk = new Uint8Array(asyncRegion(spec).geometry.nrSlots * spec.payloadBytes);
  let readsWhileProducing = 0;
  let corrupt = 0;
  let lastSeq = -1;
  let lastLost = 0;
  const drained = (batch: number) => Atomics.load(control, CONTROL.producedBatch) === batch && consumer.available() === 0;
  let current = 0;
  const dataOrDone = () => consumer.available() > 0 || Atomics.load(control, CONTROL.producedBatch) === current;
  const batch = (batch: number) => {
    current = batch;
    if (!spec.verify) {
      for (;;) {
        if (consumer.readBatch(bulk, Infinity) > 0) continue;
        if (drained(batch)) return;
        pollUntil(dataOrDone);
      }
    }
    for (;;) {
      const len = consumer.read(out);
      if (len < 0) {
        // Empty: done once the producer has finished this batch and nothing arrived since.
        if (drained(batch)) return;
        pollUntil(dataOrDone);
        continue;
      }
      if (Atomics.load(control, CONTROL.producedBatch) !== batch) readsWhileProducing++;
      const seq = view.getUint32(0, true);
      // Sequence numbers only increase; under drop, each gap is exactly what LOST records reported.
      const lostSince = consumer.counters.lostReported - lastLost;
      lastLost = consumer.counters.lostReported;
      if (seq <= lastSeq && lastSeq >= 0) corrupt++;
      else if (spec.policy === "drop" && seq - lastSeq - 1 !== lostSince) corrupt++;
      if (!payloadIntact(out, seq)) corrupt++;
      lastSeq = seq;
    }
  };
  const c = consumer.counters;
  return { batch, result: (batches) => ({ role: spec.role, batches, consumed: c.consumed, lostReported: c.lostReported, overwritten: c.overwritten, readsWhileProducing, corrupt }) };
}

function ringbufProducer(spec: RingbufSpec, control: Int32Array): Work {
  const rb = new RingBuffer(spec.ring, Uint8Array as never);
  const group = spec.pushEvery ?? 1;
  // Messages are built in place here, `group` at a time (one, the payload itself, by default).
  const staged = new Uint8Array(group * spec.payloadBytes);
  const view = new DataView(staged.buffer);
  let seq = 0;
  let k = 0;
  let need = 0;
  const hasSpace = () => rb.available_write() >= need;
  const push = (messages: number) => {
    need = messages * spec.payloadBytes;
    if (rb.available_write() < need) pollUntil(hasSpace);
    rb.push(staged, need);
  };
  const batch = (batch: number) => {
    for (let i = 0; i < spec.perBatch; i++) {
      view.setUint32(k * spec.payloadBytes, seq++, true);
      if (++k === group) {
        push(group);
        k = 0;
      }
    }
    if (k > 0) push(k);
    k = 0;
    Atomics.store(control, CONTROL.producedBatch, batch);
  };
  return { batch, result: (batches) => ({ role: spec.role, batches, produced: seq }) };
}

function ringbufConsumer(spec: RingbufSpec): Work {
  const rb = new RingBuffer(spec.ring, Uint8Array as never);
  // Pop as many whole messages as are there at once: ringbuf.js used the way it is meant to be.
  const out = new Uint8Array(rb.capacity());
  let consumed = 0;
  const hasMessage = () => rb.available_read() >= spec.payloadBytes;
  const batch = () => {
    let left = spec.perBatch;
    while (left > 0) {
      if (rb.available_read() < spec.payloadBytes) pollUntil(hasMessage);
      const whole = Math.min(Math.floor(rb.available_read() / spec.payloadBytes), left);
      rb.pop(out, whole * spec.payloadBytes);
      left -= whole;
      consumed += whole;
    }
  };
  return { batch, result: (batches) => ({ role: spec.role, batches, consumed }) };
}

/**
 * Both implementations in the same two threads, batch by batch (benchmarks): wherever the
 * host put these two threads, each ring sees the same cores, the same waits (pollUntil) and
 * the same batch sizes. The word in `select` says which one runs the next batch: 0 the xenmm
 * async ring, 1 ringbuf.js, 2 and 3 the optional second xenmm and ringbuf.js rings.
 */
function paired(spec: PairedSpec, control: Int32Array): RoleResult {
  const common = { control: spec.control, participants: spec.participants };
  const producer = spec.role === "paired-producer";
  const xenmm = (o: PairedSpec["ours"]) => producer ? asyncProducer({ ...o, ...common, role: "async-producer" }, control) : asyncConsumer({ ...o, ...common, role: "async-consumer" }, control);
  const ringbuf = (o: PairedSpec["theirs"]) => producer ? ringbufProducer({ ...o, ...common, role: "ringbuf-producer" }, control) : ringbufConsumer({ ...o, ...common, role: "ringbuf-consumer" });
  const works = [xenmm(spec.ours), ringbuf(spec.theirs), ...(spec.oursAlt ? [xenmm(spec.oursAlt)] : []), ...(spec.oursAlt && spec.theirsAlt ? [ringbuf(spec.theirsAlt)] : [])];
  const select = new Int32Array(spec.select);
  const times = spec.times ? new Float64Array(spec.times) : undefined;
  const n = works.map(() => 0);
  const batches = batchLoop(control, true, (batch) => {
    const which = Math.min(Math.max(Atomics.load(select, 0), 0), works.length - 1);
    n[which]++;
    const t0 = performance.now();
    works[which].batch(batch);
    // Published to the main thread by batchLoop's Atomics.add on `done`.
    if (times) times[producer ? 0 : 1] = performance.now() - t0;
  });
  return { role: spec.role, batches, parts: works.map((w, i) => w.result(n[i])) };
}

/** What both ends of the sync round trip hold: the one vCPU's slot, both event channels and an entry each way. */
function syncEnds(spec: SyncSpec) {
  return {
    region: new SyncSlotRegion(spec.slots, 0, 1),
    toAgent: new EventChannelSet(spec.toAgent, 0, 1),
    toXen: new EventChannelSet(spec.toXen, 0, 1),
    request: newEntry(),
    response: newEntry(),
  };
}

function syncXen(spec: SyncSpec, control: Int32Array): RoleResult {
  const { region, toAgent, toXen, request, response } = syncEnds(spec);
  const xen = new SyncSlotsXen(region);
  const samples: number[] = [];
  const batches = batchLoop(control, true, () => {
    for (let i = 0; i < spec.perBatch; i++) {
      const t0 = performance.now();
      xen.submit(0, request);
      toAgent.send(0);
      for (;;) {
        const seen = toXen.upcall();
        if (toXen.takePending(0) && xen.takeResponse(0, response) === "ok") break;
        toXen.wait(seen, spec.strategy);
      }
      if (samples.length < spec.maxSamples) samples.push((performance.now() - t0) * 1000);
    }
  });
  return { role: spec.role, batches, roundTripsUs: samples };
}

function syncAgent(spec: SyncSpec, control: Int32Array): RoleResult {
  const { region, toAgent, toXen, request, response } = syncEnds(spec);
  const agent = new SyncSlotsConsumer(region);
  let served = 0;
  // A server, not a batch participant: it answers until told to stop.
  while (!Atomics.load(control, CONTROL.stop)) {
    const seen = toAgent.upcall();
    toAgent.forEachPending((vcpu) => {
      const seq = agent.takeRequest(vcpu, request);
      if (seq === 0) return;
      answer(request, response);
      agent.respond(vcpu, seq, response);
      toXen.send(vcpu);
      served++;
    });
    if (toAgent.upcall() === seen) toAgent.wait(seen, { ...spec.strategy, timeoutMs: 50 });
  }
  return { role: spec.role, batches: 0, served };
}
