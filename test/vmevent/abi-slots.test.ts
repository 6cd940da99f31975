import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { ABI_HISTORY, REGS_X86_BYTES, REQUEST_BYTES, REQUEST_HEADER_BYTES, REQUEST_U_BYTES } from "../../src/vmevent/abi.js";
import { asyncRingGeometry, MAX_ASYNC_PAGES } from "../../src/vmevent/async-ring.js";
import { floorPow2, rawSlots, ringSlots, SRING_HEADER_BYTES } from "../../src/vmevent/ring-layout.js";
import { slotTables } from "../../src/vmevent/slot-table.js";
import { SYNC_SLOT_BYTES, syncSlotPages } from "../../src/vmevent/sync-slots.js";

// Expected values: docs/notes/vm_event.md §1.1, §2.1, §5.3, measured with gcc from Xen's headers.
describe("vm_event ABI v7 sizes", () => {
  it("derives the 400-byte request from its parts: 24 header + 32 union u + 344 x86 registers", () => {
    expect(REQUEST_HEADER_BYTES).toBe(24);
    expect(REQUEST_U_BYTES).toBe(32);
    expect(REGS_X86_BYTES).toBe(344);
    expect(REQUEST_BYTES).toBe(400);
  });

  it("has a 64-byte shared ring header and a 408-byte sync slot", () => {
    expect(SRING_HEADER_BYTES).toBe(64);
    expect(SYNC_SLOT_BYTES).toBe(408);
  });
});

describe("ring slot counts", () => {
  it("fits 8 slots of 400 bytes in one 4 KiB page (raw 10, rounded down to a power of two)", () => {
    expect(rawSlots(1, REQUEST_BYTES)).toBe(10);
    expect(ringSlots(1, REQUEST_BYTES)).toBe(8);
    expect(ringSlots(1, REQUEST_BYTES, "none")).toBe(10);
  });

  it("reproduces the history table of §1.1 for every ABI era", () => {
    const table = slotTables(1).abi;
    expect(table.map((r) => r.request_bytes)).toEqual([40, 296, 304, 312, 312, 376, 384, 384, 392, 400]);
    expect(table.map((r) => r.raw_fit)).toEqual([100, 13, 13, 12, 12, 10, 10, 10, 10, 10]);
    expect(table.map((r) => r.slots)).toEqual([64, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    expect(table).toHaveLength(ABI_HISTORY.length);
  });

  it("reproduces the multi-page ring sizes of §2.1 (pages → raw → slots)", () => {
    const expected: Array<[number, number, number]> = [[1, 10, 8], [2, 20, 16], [3, 30, 16], [4, 40, 32], [8, 81, 64], [16, 163, 128], [32, 327, 256], [64, 655, 512]];
    for (const [pages, raw, slots] of expected) {
      expect(rawSlots(pages, REQUEST_BYTES)).toBe(raw);
      expect(ringSlots(pages, REQUEST_BYTES)).toBe(slots);
    }
  });

  it("needs PFN_UP(vcpus × 408) pages of sync slots: 1 for ≤ 10 vCPUs, 2 for 11–20, 7 for 64", () => {
    expect(syncSlotPages(10)).toBe(1);
    expect(syncSlotPages(11)).toBe(2);
    expect(syncSlotPages(20)).toBe(2);
    expect(syncSlotPages(21)).toBe(3);
    expect(syncSlotPages(64)).toBe(7);
  });

  it("floorPow2 is the largest power of two not above n", () => {
    expect([0, 1, 2, 3, 10, 81, 1024, 1025].map(floorPow2)).toEqual([0, 1, 2, 2, 8, 64, 1024, 1024]);
  });

  it("sizes the async ring from 1 to 128 pages and rejects anything else", () => {
    expect(asyncRingGeometry(1).nrSlots).toBe(8);
    expect(asyncRingGeometry(MAX_ASYNC_PAGES).nrSlots).toBe(1024);
    expect(asyncRingGeometry(16, 64).nrSlots).toBe(512);
    expect(() => asyncRingGeometry(0)).toThrow(InvalidArgumentError);
    expect(() => asyncRingGeometry(129)).toThrow(InvalidArgumentError);
    expect(() => asyncRingGeometry(1.5)).toThrow(InvalidArgumentError);
  });
});
