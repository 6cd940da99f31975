/**
 * The vm_event public ABI (xen/include/public/vm_event.h, interface version 7), restated
 * from docs/notes/vm_event.md §1. Only what the models need: the request/response size
 * (derived from its parts, never hand-counted), the offsets the models read and write,
 * flags, reasons, and the measured request size of every ABI era.
 *
 *   vm_event_request_t == vm_event_response_t (one shared struct, 400 bytes at v7)
 *   ┌──────────┬────────┬────────┬─────────┬────────────┬──────┬──────────────┬───────────────────┐
 *   │ version  │ flags  │ reason │ vcpu_id │ altp2m_idx │ _pad │ u (payload)  │ data (regs/emul)  │
 *   │ 0   u32  │ 4  u32 │ 8  u32 │ 12  u32 │ 16     u16 │ 18 6 │ 24  32 bytes │ 56     344 bytes  │
 *   └──────────┴────────┴────────┴─────────┴────────────┴──────┴──────────────┴───────────────────┘
 */

export { PAGE_SIZE } from "../page.js";
/** The monitor ring's GFN, special_pfn(SPECIALPAGE_ACCESS) = 0xff000 − 8 + 1 (docs/notes/vm_event.md §3.2). */
export const LEGACY_RING_GFN = 0xfeff9;

/** VM_EVENT_INTERFACE_VERSION: Xen stamps it into every request and skips responses that differ. */
export const VM_EVENT_INTERFACE_VERSION = 7;

/** Byte offsets of the request/response header fields (the diagram above). */
export const REQUEST_FIELD = {
  version: 0,
  flags: 4,
  reason: 8,
  vcpuId: 12,
  altp2mIdx: 16,
  /** Start of union `u`, the per-reason payload. */
  u: 24,
  /** Start of union `data`: x86 registers, Arm registers or emulator data. */
  data: 56,
} as const;

/** The fixed header: version, flags, reason, vcpu_id (u32 each), altp2m_idx (u16), 3 × u16 pad. */
export const REQUEST_HEADER_BYTES = 4 * 4 + 2 + 3 * 2;
/** Union `u` is as large as its largest member, `mem_access` {gfn, offset, gla: u64; flags: u32; pad}. */
export const REQUEST_U_BYTES = 3 * 8 + 4 + 4;

/** struct vm_event_regs_x86, the largest member of union `data`, summed from its parts (§1.1). */
export const REGS_X86_PARTS = [
  { what: "33 × u64 GPRs, control/debug registers, sysenter, MSRs, gdtr_base, npt_base, vmtrace_pos", bytes: 33 * 8 },
  { what: "4 × u32 cs/ss/ds/es_base", bytes: 4 * 4 },
  { what: "2 × u64 fs_base, gs_base", bytes: 2 * 8 },
  { what: "6 × 4-byte segment {limit:20, ar:12}", bytes: 6 * 4 },
  { what: "u64 shadow_gs", bytes: 8 },
  { what: "8 × u16 gdtr_limit, six selectors, pad", bytes: 8 * 2 },
] as const;
export const REGS_X86_BYTES = REGS_X86_PARTS.reduce((sum, p) => sum + p.bytes, 0);

/** sizeof(vm_event_request_t) at interface version 7: 24 + 32 + 344 = 400. */
export const REQUEST_BYTES = REQUEST_HEADER_BYTES + REQUEST_U_BYTES + REGS_X86_BYTES;

/** VM_EVENT_FLAG_* bit values (§1.2). A request is synchronous exactly when VCPU_PAUSED is set. */
export const VM_EVENT_FLAG = {
  VCPU_PAUSED: 1 << 0,
  FOREIGN: 1 << 1,
  EMULATE: 1 << 2,
  EMULATE_NOWRITE: 1 << 3,
  TOGGLE_SINGLESTEP: 1 << 4,
  SET_EMUL_READ_DATA: 1 << 5,
  DENY: 1 << 6,
  ALTERNATE_P2M: 1 << 7,
  SET_REGISTERS: 1 << 8,
  SET_EMUL_INSN_DATA: 1 << 9,
  GET_NEXT_INTERRUPT: 1 << 10,
  FAST_SINGLESTEP: 1 << 11,
  NESTED_P2M: 1 << 12,
  RESET_VMTRACE: 1 << 13,
  RESET_FORK_STATE: 1 << 14,
  RESET_FORK_MEMORY: 1 << 15,
} as const;

/** VM_EVENT_REASON_* values (§1.3). */
export const VM_EVENT_REASON = {
  UNKNOWN: 0, MEM_ACCESS: 1, MEM_SHARING: 2, MEM_PAGING: 3, WRITE_CTRLREG: 4, MOV_TO_MSR: 5,
  SOFTWARE_BREAKPOINT: 6, SINGLESTEP: 7, GUEST_REQUEST: 8, DEBUG_EXCEPTION: 9, CPUID: 10,
  PRIVILEGED_CALL: 11, INTERRUPT: 12, DESCRIPTOR_ACCESS: 13, EMUL_UNIMPLEMENTED: 14, VMEXIT: 15,
  IO_INSTRUCTION: 16,
} as const;

export interface AbiEra {
  era: string;
  /** VM_EVENT_INTERFACE_VERSION of that era ("–" before the mem_event → vm_event rename). */
  interfaceVersion: string;
  /** sizeof the request, measured with gcc on x86-64 from the headers at that commit (§1.1). */
  requestBytes: number;
}

/** Measured request sizes per ABI era (docs/notes/vm_event.md §1.1); slot counts are derived from these. */
export const ABI_HISTORY: readonly AbiEra[] = [
  { era: "mem_event ≤2014-08 (692f3cc7dd)", interfaceVersion: "–", requestBytes: 40 },
  { era: "9eb81d8bcb 2014-09 (registers in requests)", interfaceVersion: "–", requestBytes: 296 },
  { era: "9b5972a54c 2015-03 (rename to vm_event)", interfaceVersion: "1", requestBytes: 304 },
  { era: "2015–2017", interfaceVersion: "1–2", requestBytes: 312 },
  { era: "b55f6c299d 2018-01", interfaceVersion: "3", requestBytes: 312 },
  { era: "b052091966 2018-11 (add registers)", interfaceVersion: "4", requestBytes: 376 },
  { era: "0ca7624d06 2019-05 (gdtr_base)", interfaceVersion: "5", requestBytes: 384 },
  { era: "ad5c7c1625 2019-11", interfaceVersion: "6", requestBytes: 384 },
  { era: "d581cf8839 2021-01 (npt_base)", interfaceVersion: "7", requestBytes: 392 },
  { era: "c5866ab931 2021-01 (vmtrace_pos) → HEAD", interfaceVersion: "7", requestBytes: REQUEST_BYTES },
];
