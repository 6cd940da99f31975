/**
 * The tables behind `xenmm ring slots`: slots per page for every ABI era, ring sizes by page
 * count for the legacy ring and the async ring, sync-slot pages by vCPU count, thresholds.
 * Everything is derived from the measured sizes and the rules; nothing is a stored answer.
 */
import { ABI_HISTORY, PAGE_SIZE, REQUEST_BYTES } from "./abi.js";
import { asyncRingGeometry, MAX_ASYNC_PAGES } from "./async-ring.js";
import { intIn } from "../options.js";
import { MAX_LAYOUT_PAGES, rawSlots, ringSlots, SRING_HEADER_BYTES } from "./ring-layout.js";
import { SYNC_SLOT_BYTES, syncSlotPages } from "./sync-slots.js";
import { thresholds, type ThresholdRow } from "./thresholds.js";

export interface AbiSlotRow {
  era: string;
  interface_version: string;
  request_bytes: number;
  raw_fit: number;
  slots: number;
}

export interface PageSlotRow {
  pages: number;
  legacy_raw: number;
  legacy_slots: number;
  async_slots_400: number;
  async_slots_64: number;
}

export interface SyncPagesRow {
  vcpus: number;
  bytes: number;
  pages: number;
}

export interface SlotTables {
  page_size: number;
  header_bytes: number;
  request_bytes: number;
  sync_slot_bytes: number;
  abi: AbiSlotRow[];
  pages: PageSlotRow[];
  sync_slots: SyncPagesRow[];
  thresholds: ThresholdRow[];
}

export const PAGE_COUNTS = [1, 2, 3, 4, 8, 16, 32, 64, 128];
export const SYNC_VCPU_COUNTS = [1, 8, 10, 11, 20, 21, 64, 128];

export function slotTables(pages = 1): SlotTables {
  intIn("pages", pages, 1, MAX_LAYOUT_PAGES);
  const pageCounts = [...new Set([...PAGE_COUNTS, pages])].filter((p) => p <= MAX_ASYNC_PAGES).sort((a, b) => a - b);
  return {
    page_size: PAGE_SIZE,
    header_bytes: SRING_HEADER_BYTES,
    request_bytes: REQUEST_BYTES,
    sync_slot_bytes: SYNC_SLOT_BYTES,
    abi: ABI_HISTORY.map((e) => ({
      era: e.era,
      interface_version: e.interfaceVersion,
      request_bytes: e.requestBytes,
      raw_fit: rawSlots(pages, e.requestBytes),
      slots: ringSlots(pages, e.requestBytes),
    })),
    pages: pageCounts.map((p) => ({
      pages: p,
      legacy_raw: rawSlots(p, REQUEST_BYTES),
      legacy_slots: ringSlots(p, REQUEST_BYTES),
      async_slots_400: asyncRingGeometry(p, REQUEST_BYTES).nrSlots,
      async_slots_64: asyncRingGeometry(p, 64).nrSlots,
    })),
    sync_slots: SYNC_VCPU_COUNTS.map((v) => ({ vcpus: v, bytes: v * SYNC_SLOT_BYTES, pages: syncSlotPages(v) })),
    thresholds: thresholds(pages),
  };
}
