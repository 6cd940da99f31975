/**
 * Reading and writing the header fields of a vm_event request/response held in a private
 * copy (never in the shared slot: both sides copy entries out before looking at them).
 * Little-endian, as on x86-64 and arm64.
 */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { describeValue } from "../u64.js";
import { REQUEST_BYTES, REQUEST_FIELD, VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION } from "./abi.js";
import { MAX_ENTRY_BYTES } from "./ring-layout.js";

/** The header and tag words of an entry; anything shorter, or not bytes, is refused. */
const MIN_ENTRY_BYTES = REQUEST_FIELD.u + 4;
function fields(entry: Uint8Array): DataView {
  if (!(entry instanceof Uint8Array) || entry.byteLength < MIN_ENTRY_BYTES)
    throw new InvalidArgumentError("entry", `expected a Uint8Array of at least ${MIN_ENTRY_BYTES} bytes, got ${describeValue(entry)}`);
  return new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
}
const u32 = (name: string, v: unknown) => intIn(name, v, 0, 0xffffffff);

export interface RequestHeader {
  version: number;
  flags: number;
  reason: number;
  vcpuId: number;
}

/** A private request/response buffer of `bytes` (400 at ABI v7). */
export function newEntry(bytes = REQUEST_BYTES): Uint8Array {
  return new Uint8Array(intIn("bytes", bytes, MIN_ENTRY_BYTES, MAX_ENTRY_BYTES));
}

export function writeHeader(entry: Uint8Array, h: RequestHeader): void {
  const v = fields(entry);
  if (h === null || typeof h !== "object") throw new InvalidArgumentError("header", `expected a RequestHeader, got ${describeValue(h)}`);
  v.setUint32(REQUEST_FIELD.version, u32("version", h.version), true);
  v.setUint32(REQUEST_FIELD.flags, u32("flags", h.flags), true);
  v.setUint32(REQUEST_FIELD.reason, u32("reason", h.reason), true);
  v.setUint32(REQUEST_FIELD.vcpuId, u32("vcpuId", h.vcpuId), true);
}

export function readHeader(entry: Uint8Array): RequestHeader {
  const v = fields(entry);
  return {
    version: v.getUint32(REQUEST_FIELD.version, true),
    flags: v.getUint32(REQUEST_FIELD.flags, true),
    reason: v.getUint32(REQUEST_FIELD.reason, true),
    vcpuId: v.getUint32(REQUEST_FIELD.vcpuId, true),
  };
}

/**
 * What every reference consumer does (xen-access, LibVMI, libbdvmi): answer with the same
 * version, vcpu_id and reason, copying VCPU_PAUSED so that Xen unpauses a sync vCPU.
 */
export function answer(request: Uint8Array, response: Uint8Array, extraFlags = 0): void {
  const h = readHeader(request);
  writeHeader(response, {
    version: VM_EVENT_INTERFACE_VERSION,
    flags: (h.flags & VM_EVENT_FLAG.VCPU_PAUSED) | extraFlags,
    reason: h.reason,
    vcpuId: h.vcpuId,
  });
  writeTag(response, readTag(request));
}

/**
 * A caller-chosen u32 carried in the low word of `u` (mem_access.gfn's position), so a
 * simulator can follow one event through the ring; consumers echo it back in the response.
 */
export function writeTag(entry: Uint8Array, tag: number): void {
  fields(entry).setUint32(REQUEST_FIELD.u, tag >>> 0, true); // a tag is any u32: wrapping is its definition
}

export function readTag(entry: Uint8Array): number {
  return fields(entry).getUint32(REQUEST_FIELD.u, true);
}
