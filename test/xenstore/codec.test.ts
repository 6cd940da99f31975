/**
 * The codec's fast paths agree with the plain ones: short-ASCII bytes() with TextEncoder,
 * text() over long payloads, encodeMessage into any allocator, a framer that hands out
 * views with one that copies, and keepable() never pins a large buffer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageFramer, bytes, encodeMessage, keepable, text, type Message } from "../../src/xenstore/codec.js";
import { PAYLOAD_MAX } from "../../src/xenstore/constants.js";

const message: fc.Arbitrary<Message> = fc.record({
  type: fc.integer({ min: 0, max: 0xffffffff }),
  reqId: fc.integer({ min: 0, max: 0xffffffff }),
  txId: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 300 }),
});

describe("xenstore codec fast paths", () => {
  it("bytes() equals UTF-8 for short, long, ASCII and non-ASCII strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: "binary" }), (s) => {
      expect(Array.from(bytes(s))).toEqual(Array.from(new TextEncoder().encode(s)));
    }));
  });

  it("text() maps each byte to one char, across its 8192-byte chunks", () => {
    const long = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);
    const s = text(long);
    expect(s.length).toBe(20_000);
    expect(s.charCodeAt(8191)).toBe((8191 * 7) & 0xff);
    expect(s.charCodeAt(8192)).toBe((8192 * 7) & 0xff);
    expect(s.charCodeAt(19_999)).toBe((19_999 * 7) & 0xff);
  });

  it("encodeMessage writes the same bytes into any allocator, and frames back to the message", () => {
    fc.assert(fc.property(message, (m) => {
      const plain = encodeMessage(m);
      const pooled = encodeMessage(m, Buffer.allocUnsafe);
      expect(Array.from(pooled)).toEqual(Array.from(plain));
      const [back] = new MessageFramer().push(plain).messages;
      expect({ ...back!, payload: Array.from(back!.payload) }).toEqual({ ...m, payload: Array.from(m.payload) });
    }));
  });

  it("a framer handing out views frames any split of a stream like one that copies", () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (ms, cuts) => {
      const stream = Uint8Array.from(ms.flatMap((m) => Array.from(encodeMessage(m))));
      const copying = new MessageFramer();
      const viewing = new MessageFramer(true);
      const a: Message[] = [];
      const b: Message[] = [];
      for (let off = 0, k = 0; off < stream.length; k++) {
        const end = Math.min(stream.length, off + cuts[k % cuts.length]!);
        a.push(...copying.push(stream.slice(off, end)).messages);
        b.push(...viewing.push(stream.slice(off, end)).messages);
        off = end;
      }
      const show = (xs: Message[]) => xs.map((m) => [m.type, m.reqId, m.txId, Array.from(m.payload)]);
      expect(show(b)).toEqual(show(a));
      expect(show(a)).toEqual(show(ms));
    }));
  });

  it("keepable() keeps a view only when its buffer holds at most one more request", () => {
    const small = new Uint8Array(40);
    const value = small.subarray(30);
    expect(keepable(value)).toBe(value);
    const big = new Uint8Array(64 * 1024);
    const pinned = big.subarray(100, 110);
    const kept = keepable(pinned);
    expect(kept).not.toBe(pinned);
    expect(kept.buffer.byteLength).toBe(10);
    // The boundary: a 16-byte header and a full payload beside the value may stay; one byte more may not.
    expect(keepable(new Uint8Array(PAYLOAD_MAX + 17).subarray(0, 1)).buffer.byteLength).toBe(PAYLOAD_MAX + 17);
    expect(keepable(new Uint8Array(PAYLOAD_MAX + 18).subarray(0, 1)).buffer.byteLength).toBe(1);
  });
});
