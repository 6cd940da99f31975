import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASYNC_HEADER_FIELD, ASYNC_SLOT_FIELD, AsyncRingRegion, asyncRingGeometry, packInfo, RecordKind, slotStamp, type LossPolicy } from "../../src/vmevent/async-ring.js";
import { AsyncRingProducer } from "../../src/vmevent/async-producer.js";
import { AsyncRingConsumer } from "../../src/vmevent/async-consumer.js";
import { RingCorruptionError } from "../../src/vmevent/errors.js";

const PAYLOAD = 16;

function setup(policy: LossPolicy, pages = 1, releaseEvery = 1, publishEvery = 1) {
  const region = AsyncRingRegion.create(pages, policy, PAYLOAD);
  return { region, producer: new AsyncRingProducer(region, policy, { publishEvery }), consumer: new AsyncRingConsumer(region, policy, { releaseEvery }) };
}

const event = (seq: number) => {
  const e = new Uint8Array(PAYLOAD);
  new DataView(e.buffer).setUint32(0, seq, true);
  e.fill(seq & 0xff, 4);
  return e;
};
const seqOf = (e: Uint8Array) => new DataView(e.buffer, e.byteOffset).getUint32(0, true);

describe("async ring, drop-newest", () => {
  it("never blocks: a full ring drops the new event and counts it", () => {
    const { region, producer } = setup("drop");
    const n = region.geometry.nrSlots;
    for (let i = 0; i < n; i++) expect(producer.write(event(i))).toBe(true);
    expect(producer.write(event(n))).toBe(false);
    expect(producer.write(event(n + 1))).toBe(false);
    expect(region.dropped()).toBe(2);
    expect(producer.unreportedLost()).toBe(2);
  });

  it("reports the drops in-band with a LOST record before the next event that fits (perf's model)", () => {
    const { region, producer, consumer } = setup("drop");
    const n = region.geometry.nrSlots;
    for (let i = 0; i < n + 3; i++) producer.write(event(i)); // 3 dropped
    const out = new Uint8Array(PAYLOAD);
    consumer.read(out);
    consumer.read(out); // two slots free: room for LOST + one event
    expect(producer.write(event(100))).toBe(true);
    expect(producer.unreportedLost()).toBe(0);
    const seqs: number[] = [];
    while (consumer.read(out) >= 0) seqs.push(seqOf(out));
    expect(seqs).toEqual([...Array.from({ length: n - 2 }, (_, i) => i + 2), 100]);
    expect(consumer.counters.lostReported).toBe(3);
    expect(region.dropped()).toBe(3);
  });

  it("needs two free slots while a loss is pending: one for the LOST record, one for the event", () => {
    const { region, producer, consumer } = setup("drop");
    const n = region.geometry.nrSlots;
    for (let i = 0; i <= n; i++) producer.write(event(i)); // 1 dropped
    consumer.read(new Uint8Array(PAYLOAD)); // one slot free only
    expect(producer.write(event(50))).toBe(false);
    expect(region.dropped()).toBe(2);
  });
});

describe("async ring, payload copies", () => {
  it("delivers full-size and short events intact at every payload size (word loop, kept slot view, fresh subarray)", () => {
    for (const payloadBytes of [16, 64, 68, 100, 128, 400]) {
      const region = AsyncRingRegion.create(2, "drop", payloadBytes);
      const producer = new AsyncRingProducer(region, "drop", { publishEvery: 3 });
      const consumer = new AsyncRingConsumer(region, "drop", { releaseEvery: 2 });
      const n = region.geometry.nrSlots;
      const sent: Uint8Array[] = [];
      const got: Uint8Array[] = [];
      const out = new Uint8Array(payloadBytes);
      const bulk = new Uint8Array(n * payloadBytes);
      const lengths = new Uint32Array(n);
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < n; i++) {
          const len = i % 5 === 4 ? Math.max(1, payloadBytes >> 1) : payloadBytes; // every fifth event is short
          const e = Uint8Array.from({ length: len }, (_, b) => (round * 131 + i * 7 + b) & 0xff);
          expect(producer.write(e)).toBe(true);
          sent.push(e);
        }
        producer.flush();
        if (round === 1) {
          const k = consumer.readBatch(bulk, Infinity, lengths);
          for (let j = 0; j < k; j++) got.push(bulk.slice(j * payloadBytes, j * payloadBytes + lengths[j]));
        } else {
          for (let len; (len = consumer.read(out)) >= 0; ) got.push(out.slice(0, len));
        }
      }
      expect(got).toEqual(sent);
    }
  });
});

describe("async ring, producer publishing in groups (publishEvery)", () => {
  it("makes entries visible every publishEvery writes and at flush(), not before", () => {
    const { region, producer, consumer } = setup("drop", 1, 1, 4);
    for (let i = 0; i < 3; i++) producer.write(event(i));
    expect(region.loadHeader("prodIdx")).toBe(0);
    expect(consumer.available()).toBe(0);
    producer.write(event(3));
    expect(consumer.available()).toBe(4);
    producer.write(event(4));
    expect(consumer.available()).toBe(4);
    producer.flush();
    expect(consumer.available()).toBe(5);
    producer.flush(); // nothing new: no store
    expect(region.loadHeader("prodIdx")).toBe(5);
    const out = new Uint8Array(PAYLOAD);
    const seqs: number[] = [];
    while (consumer.read(out) >= 0) seqs.push(seqOf(out));
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
  });

  it("publishes everything before it drops, so a full ring is always visible to the consumer", () => {
    const { region, producer, consumer } = setup("drop", 1, 1, 1000); // capped at nr_slots
    const n = region.geometry.nrSlots;
    for (let i = 0; i < n - 1; i++) producer.write(event(i));
    expect(consumer.available()).toBe(0);
    producer.write(event(n - 1)); // the nr_slots-th write reaches the cap
    expect(consumer.available()).toBe(n);
    expect(producer.write(event(n))).toBe(false);
    expect(consumer.available()).toBe(n);
    expect(region.dropped()).toBe(1);
  });

  it("asks for a notification only for what it published (cons_event crossed at flush)", () => {
    const { producer, consumer } = setup("drop", 1, 1, 8);
    expect(consumer.finalCheck()).toBe(false); // wake me at entry 1
    producer.write(event(0));
    expect(producer.shouldNotify()).toBe(false); // written, not published
    producer.flush();
    expect(producer.shouldNotify()).toBe(true);
    producer.write(event(1));
    producer.flush();
    expect(producer.shouldNotify()).toBe(false); // cons_event (1) was crossed by the earlier publish
  });

  it("refuses a group size that is not a positive integer", () => {
    const region = AsyncRingRegion.create(1, "drop", PAYLOAD);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new AsyncRingProducer(region, "drop", { publishEvery: bad })).toThrow(/publishEvery/);
  });
});

describe("async ring, overwrite-oldest", () => {
  it("overwrites unread entries and the consumer counts each one it missed", () => {
    const { region, producer, consumer } = setup("overwrite");
    const n = region.geometry.nrSlots;
    for (let i = 0; i < n + 5; i++) expect(producer.write(event(i))).toBe(true);
    const out = new Uint8Array(PAYLOAD);
    const seqs: number[] = [];
    while (consumer.read(out) >= 0) seqs.push(seqOf(out));
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 5));
    expect(consumer.counters.overwritten).toBe(5);
    expect(region.overwritten()).toBe(5);
  });

  it("detects an entry rewritten while it was being copied (odd or changed seqcount)", () => {
    const { region, producer, consumer } = setup("overwrite");
    producer.write(event(0));
    const stampWord = region.slotAt(0) / 4 + ASYNC_SLOT_FIELD.stamp / 4;
    Atomics.store(region.words, stampWord, slotStamp(0, true)); // writer in progress
    expect(consumer.read(new Uint8Array(PAYLOAD))).toBe(-1);
    expect(consumer.counters.overwritten).toBe(1);
    expect(consumer.counters.consumed).toBe(0);
  });
});

type Op = { kind: "write" | "read" | "read-batch"; n: number };
const schedule = fc.array(fc.record({
  kind: fc.constantFrom("write" as const, "read" as const, "read-batch" as const),
  n: fc.integer({ min: 1, max: 40 }),
}), { maxLength: 60 });

describe("loss accounting under random schedules: produced = consumed + dropped + overwritten", () => {
  for (const policy of ["drop", "overwrite"] as const)
    it(`holds exactly for ${policy}, and every delivered event is intact and in order`, () => {
      fc.assert(fc.property(schedule, fc.constantFrom(1, 2), fc.constantFrom(1, 3), fc.constantFrom(1, 5), (ops: Op[], pages, releaseEvery, publishEvery) => {
        const { region, producer, consumer } = setup(policy, pages, releaseEvery, publishEvery);
        const out = new Uint8Array(PAYLOAD);
        const bulk = new Uint8Array(40 * PAYLOAD);
        const lengths = new Uint32Array(40);
        let seq = 0;
        let last = -1;
        /** Events missing between delivered ones: under drop, never more than the LOST records reported. */
        let gaps = 0;
        const check = (e: Uint8Array) => {
          const s = seqOf(e);
          expect(s).toBeGreaterThan(last);
          expect(e.subarray(4).every((b) => b === (s & 0xff))).toBe(true);
          gaps += s - last - 1;
          if (policy === "drop") expect(gaps).toBeLessThanOrEqual(consumer.counters.lostReported);
          last = s;
        };
        for (const op of ops) {
          if (op.kind === "write") {
            for (let i = 0; i < op.n; i++) producer.write(event(seq++));
            if (op.n % 2 === 0) producer.flush(); // a group producer flushes at the end of some bursts, not all
          }
          else if (op.kind === "read") for (let i = 0; i < op.n && consumer.read(out) >= 0; i++) check(out);
          else {
            // The bulk path delivers what read() would, one payload stride per event.
            const got = consumer.readBatch(bulk, op.n, lengths);
            expect(got).toBeLessThanOrEqual(op.n);
            for (let k = 0; k < got; k++) {
              expect(lengths[k]).toBe(PAYLOAD);
              check(bulk.subarray(k * PAYLOAD, (k + 1) * PAYLOAD));
            }
          }
        }
        producer.flush();
        while (consumer.read(out) >= 0) check(out);
        const c = consumer.counters;
        expect(producer.counters.produced).toBe(seq);
        expect(seq).toBe(c.consumed + region.dropped() + region.overwritten());
        const trailing = seq - 1 - last; // lost after the last delivered event
        if (policy === "drop") {
          expect(region.overwritten()).toBe(0);
          // every gap was reported in-band, exactly; drops not yet followed by an event are pending
          expect(gaps).toBe(c.lostReported);
          expect(trailing).toBe(producer.unreportedLost());
          expect(c.lostReported + producer.unreportedLost()).toBe(region.dropped());
        } else {
          expect(region.dropped()).toBe(0);
          expect(gaps + trailing).toBe(region.overwritten());
        }
      }), { seed: 11, numRuns: 300 });
    });
});

describe("a hostile peer writing garbage into the async ring", () => {
  it("the producer reports a cons_idx ahead of prod_idx", () => {
    const { region, producer } = setup("drop");
    for (let i = 0; i < region.geometry.nrSlots; i++) producer.write(event(i));
    region.storeHeader("consIdx", 1000);
    expect(() => producer.write(event(99))).toThrow(RingCorruptionError);
  });

  it("the consumer reports a prod_idx claiming more entries than slots, a bad kind, and a bad length", () => {
    const a = setup("drop");
    a.region.storeHeader("prodIdx", a.region.geometry.nrSlots + 1);
    expect(() => a.consumer.read(new Uint8Array(PAYLOAD))).toThrow(RingCorruptionError);
    const b = setup("drop");
    b.producer.write(event(0));
    b.region.words[b.region.slotAt(0) / 4 + ASYNC_SLOT_FIELD.info / 4] = packInfo(77, PAYLOAD);
    expect(() => b.consumer.read(new Uint8Array(PAYLOAD))).toThrow(RingCorruptionError);
    const c = setup("drop");
    c.producer.write(event(0));
    c.region.words[c.region.slotAt(0) / 4 + ASYNC_SLOT_FIELD.info / 4] = packInfo(RecordKind.EVENT, 1 << 20);
    expect(() => c.consumer.read(new Uint8Array(PAYLOAD))).toThrow(RingCorruptionError);
  });

  it("stays in bounds whatever the header and slot words hold (property)", () => {
    const g = asyncRingGeometry(1, PAYLOAD);
    fc.assert(fc.property(
      fc.constantFrom<LossPolicy>("drop", "overwrite"),
      fc.array(fc.tuple(fc.integer({ min: 0, max: g.totalBytes / 4 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 20 }),
      (policy, garbage) => {
        const buffer = new SharedArrayBuffer(64 + g.totalBytes + 64);
        const all = new Uint8Array(buffer).fill(0x3c);
        const region = new AsyncRingRegion(buffer, 64, g);
        region.init(policy);
        const producer = new AsyncRingProducer(region, policy);
        const consumer = new AsyncRingConsumer(region, policy);
        for (let i = 0; i < 5; i++) producer.write(event(i));
        for (const [word, value] of garbage) region.words[word] = value;
        const out = new Uint8Array(PAYLOAD);
        for (let i = 0; i < 40; i++) {
          try { producer.write(event(100 + i)); consumer.read(out); } catch (e) { expect(e).toBeInstanceOf(RingCorruptionError); }
        }
        expect(all.subarray(0, 64).every((b) => b === 0x3c)).toBe(true);
        expect(all.subarray(64 + g.totalBytes).every((b) => b === 0x3c)).toBe(true);
      }), { seed: 11, numRuns: 200 });
  });

  it("the consumer reports a slot stamped with an entry older than the one it expects (overwrite)", () => {
    const { region, producer, consumer } = setup("overwrite");
    producer.write(event(0));
    producer.write(event(1));
    const out = new Uint8Array(PAYLOAD);
    expect(consumer.read(out)).toBe(PAYLOAD);
    region.words[region.slotAt(1) / 4 + ASYNC_SLOT_FIELD.stamp / 4] = slotStamp(0, false);
    expect(() => consumer.read(out)).toThrow(RingCorruptionError);
  });

  it("keeps producer- and consumer-written header fields on separate cache lines", () => {
    const producerFields = [ASYNC_HEADER_FIELD.prodIdx, ASYNC_HEADER_FIELD.dropped];
    const consumerFields = [ASYNC_HEADER_FIELD.consIdx, ASYNC_HEADER_FIELD.consEvent, ASYNC_HEADER_FIELD.overwritten];
    for (const p of producerFields) for (const c of consumerFields) expect(Math.floor(p / 64)).not.toBe(Math.floor(c / 64));
  });
});
