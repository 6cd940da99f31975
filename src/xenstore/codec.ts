/**
 * The wire codec: 16-byte headers, payloads of NUL-terminated strings, and a framer
 * that reassembles messages from a byte stream (clients write header and body in two
 * write() calls, so one read is never one message). No Node APIs: runs in browsers too.
 */
import {
  HEADER_LEN, HEADER_REQ_ID, HEADER_SIZE, HEADER_TX_ID, HEADER_TYPE, PAYLOAD_MAX, MsgType,
  type XsErrno,
} from "./constants.js";

export interface Message {
  type: number;
  reqId: number;
  txId: number;
  payload: Uint8Array;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (paths are ASCII; a value written from JS text is UTF-8). */
export function bytes(s: string): Uint8Array {
  // Short ASCII (ids, "OK", "T"): a plain loop beats TextEncoder's call overhead.
  if (s.length > 32) return encoder.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(s);
    out[i] = c;
  }
  return out;
}

/**
 * Bytes as a string, one char per byte (U+0000–U+00FF). Not TextDecoder("latin1"): the
 * WHATWG "latin1" label is really windows-1252 and would remap 0x80–0x9F.
 */
export function text(b: Uint8Array): string {
  // apply() takes the typed array as it is (a spread would iterate it); chunks keep the argument count bounded.
  if (b.length <= 8192) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/**
 * Header + payload in one buffer, from `alloc` (the Node transport passes
 * Buffer.allocUnsafe: pooled memory, cheaper than a fresh ArrayBuffer per reply).
 */
export function encodeMessage<T extends Uint8Array = Uint8Array>(m: Message, alloc: (size: number) => T = (n) => new Uint8Array(n) as T): T {
  const out = alloc(HEADER_SIZE + m.payload.length);
  putU32(out, HEADER_TYPE, m.type);
  putU32(out, HEADER_REQ_ID, m.reqId);
  putU32(out, HEADER_TX_ID, m.txId);
  putU32(out, HEADER_LEN, m.payload.length);
  out.set(m.payload, HEADER_SIZE);
  return out;
}

function putU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v;
  b[off + 1] = v >>> 8;
  b[off + 2] = v >>> 16;
  b[off + 3] = v >>> 24;
}

/**
 * Bytes to keep (a node's value): the view itself when its buffer holds little else — at
 * most one more request's worth — else a copy, so a stored value never pins a large
 * read buffer. Saves an allocation per write in the common one-request-per-read case.
 */
export function keepable(view: Uint8Array): Uint8Array {
  return view.buffer.byteLength - view.length <= HEADER_SIZE + PAYLOAD_MAX ? view : view.slice();
}

/** `"a\0b\0"` from ["a", "b"]: every string NUL-terminated. */
export function joinStrings(parts: readonly string[]): Uint8Array {
  return bytes(parts.map((p) => p + "\0").join(""));
}

/**
 * Splits a payload into its NUL-terminated strings. `rest` is whatever follows the last
 * NUL (non-empty means the last argument was unterminated).
 */
export function splitStrings(payload: Uint8Array): { strings: string[]; rest: Uint8Array } {
  const strings: string[] = [];
  let start = 0;
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === 0) {
      strings.push(text(payload.subarray(start, i)));
      start = i + 1;
    }
  }
  return { strings, rest: payload.subarray(start) };
}

const errorPayloads = new Map<XsErrno, Uint8Array>();

/** An ERROR reply payload: `"EINVAL\0"` (one shared array per error name: replies are never modified). */
export function errorPayload(err: XsErrno): Uint8Array {
  let p = errorPayloads.get(err);
  if (!p) errorPayloads.set(err, (p = bytes(err + "\0")));
  return p;
}

export function isError(m: Message): boolean {
  return m.type === MsgType.ERROR;
}

/** The error name of an ERROR message ("ENOENT"), without its NUL. */
export function errorName(m: Message): string {
  return text(m.payload).replace(/\0$/, "");
}

/** The framer's verdict after a chunk: messages to process, or a fatal protocol error. */
export type FrameResult = { messages: Message[]; overlong: boolean };

/**
 * Reassembles a byte stream into messages. A header announcing len > 4096 is fatal (C
 * xenstored closes the connection); the caller must stop feeding the framer then.
 */
export class MessageFramer {
  private buffer = new Uint8Array(0);

  /**
   * `handsOver`: the caller never reuses a chunk it pushed (Node's socket reads are fresh
   * memory each time), so payloads may be views into it instead of copies — one
   * allocation less per request. Otherwise each payload is copied out.
   */
  constructor(private readonly handsOver = false) {}

  push(chunk: Uint8Array): FrameResult {
    const messages: Message[] = [];
    const buf = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    let off = 0;
    while (buf.length - off >= HEADER_SIZE) {
      const len = u32(buf, off + HEADER_LEN);
      if (len > PAYLOAD_MAX) {
        this.buffer = EMPTY_BYTES;
        return { messages, overlong: true };
      }
      if (buf.length - off < HEADER_SIZE + len) break;
      messages.push({
        type: u32(buf, off + HEADER_TYPE),
        reqId: u32(buf, off + HEADER_REQ_ID),
        txId: u32(buf, off + HEADER_TX_ID),
        payload: this.handsOver || buf !== chunk
          ? buf.subarray(off + HEADER_SIZE, off + HEADER_SIZE + len) // our own memory: concat() made it
          : buf.slice(off + HEADER_SIZE, off + HEADER_SIZE + len),
      });
      off += HEADER_SIZE + len;
    }
    this.buffer = off === buf.length ? EMPTY_BYTES : buf.slice(off);
    return { messages, overlong: false };
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get pending(): number {
    return this.buffer.length;
  }
}

const EMPTY_BYTES = new Uint8Array(0);

/** The little-endian u32 at `off` (no DataView per header: this runs once per request). */
function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
