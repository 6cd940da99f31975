/**
 * Reading and writing the header fields of a vm_event request/response held in a private
 * copy (never in the shared slot: both sides copy entries out before looking at them).
 * Little-endian, as on x86-64 and arm64.
 */
import { REQUEST_BYTES, REQUEST_FIELD, VM_EVENT_FLAG, VM_EVENT_INTERFACE_VERSION } from "./abi.js";

export interface RequestHeader {
  version: number;
  flags: number;
  reason: number;
  vcpuId: number;
}

/** A private request/response buffer of `bytes` (400 at ABI v7). */
export function newEntry(bytes = REQUEST_BYTES): Uint8Array {
  return new Uint8Array(bytes);
}

export function writeHeader(entry: Uint8Array, h: RequestHeader): void {
  const v = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  v.setUint32(REQUEST_FIELD.version, h.version, true);
  v.setUint32(REQUEST_FIELD.flags, h.flags, true);
  v.setUint32(REQUEST_FIELD.reason, h.reason, true);
  v.setUint32(REQUEST_FIELD.vcpuId, h.vcpuId, true);
}

export function readHeader(entry: Uint8Array): RequestHeader {
  const v = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
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
  new DataView(entry.buffer, entry.byteOffset, entry.byteLength).setUint32(REQUEST_FIELD.u, tag >>> 0, true);
}

export function readTag(entry: Uint8Array): number {
  return new DataView(entry.buffer, entry.byteOffset, entry.byteLength).getUint32(REQUEST_FIELD.u, true);
}
