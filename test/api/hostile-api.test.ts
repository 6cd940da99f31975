/**
 * Hostile values against the rest of the main entry: maps, catalogue, arch lookups, PDX setup
 * and presentation, hex, the ring simulator and async ring, and the error classes. Each call
 * returns a correct result or throws a named XenmmError; the last test makes sure every
 * function `src/index.ts` exports is exercised here or in hostile-engine.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import {
  archByName, ARCHES, bitDiagram, catalogueEntry, catalogueMap, compareSchemes, compressionSetup, frametableNr, hex, humanBytes,
  InvalidArgumentError, makeMemoryMap, MemoryMapError, maskFields, offsetRows, paramsJson, pdxGroupCount, platformSetup, resolveArch, vmevent, xenstore, XenmmError,
} from "../../src/index.js";
import { asBig, expectRefused, expectTyped, hostile, hostileNames, isU64, typedOr } from "./hostile.js";

const RUNS = { numRuns: 300 };
const fvp = catalogueMap("arm-fvp");

const MAP_FORMAT_NAMES = ["json", "text", "xen-log", "linux-e820", "linux-srat", "linux-nodes", "iomem", "sysfs-memmap", "dts"] as const;

describe("memory maps and the catalogue", () => {
  it("makeMemoryMap takes starts and ends under the integer rule and refuses negative starts", () => {
    fc.assert(fc.property(hostile, hostile, (start, end) => {
      const outcome = typedOr(() => makeMemoryMap("m", "json", [{ start: start as bigint, end: end as bigint }]));
      const usable = isU64(start) && (isU64(end) || end === 2n ** 64n) && asBig(end) > asBig(start);
      if (usable) expect(outcome).toMatchObject({ value: { ranges: [{ start: asBig(start), end: asBig(end) }] } });
      else expect(outcome).toMatchObject({ error: expect.any(MemoryMapError) });
    }), RUNS);
    expect(expectRefused(() => makeMemoryMap("m", "json", [{ start: -4096n, end: 4096n }]), MemoryMapError).message).toMatch(/start: -0x1000n is negative/);
  });

  it("makeMemoryMap refuses what is not a list of ranges, however long", () => {
    for (const ranges of [null, 42, "0x0 0x1000", {}, [null], [42], new Array(3), new Array(2 ** 32 - 1), JSON.parse('[{"__proto__": {"start": 0}}]')])
      expectRefused(() => makeMemoryMap("m", "json", ranges as never));
    fc.assert(fc.property(hostileNames, (format) => {
      const outcome = typedOr(() => makeMemoryMap("m", format as "json", [{ start: 0n, end: 4096n }]));
      if (!(MAP_FORMAT_NAMES as readonly unknown[]).includes(format))
        expect(outcome).toMatchObject({ error: expect.any(InvalidArgumentError) });
    }), RUNS);
  });

  it("parseMemoryMap and detectFormat take text and checked options; anything else is refused by name", () => {
    const fvp = "0x80000000 0x100000000\n0x880000000 0x900000000\n";
    const bounds = (m: api.MemoryMap) => m.ranges.map((r) => [r.start, r.end]);
    expect(bounds(api.parseMemoryMap(fvp, { format: "text" }))).toEqual(bounds(catalogueMap("arm-fvp")));
    fc.assert(fc.property(hostile, (input) => {
      const parsed = typedOr(() => api.parseMemoryMap(input as string));
      const detected = typedOr(() => api.detectFormat(input as string));
      if (typeof input !== "string") {
        expect(parsed).toMatchObject({ error: expect.any(InvalidArgumentError) });
        expect(detected).toMatchObject({ error: expect.any(InvalidArgumentError) });
      }
    }), RUNS);
    fc.assert(fc.property(hostileNames, hostile, hostile, (format, name, arch) => {
      const outcome = typedOr(() => api.parseMemoryMap(fvp, { format, name, arch } as never));
      if (format !== undefined && !(MAP_FORMAT_NAMES as readonly unknown[]).includes(format)) expect(outcome).toHaveProperty("error");
    }), RUNS);
    expectRefused(() => api.parseMemoryMap(fvp, { format: "__proto__" as never }), InvalidArgumentError);
    expectRefused(() => api.parseMemoryMap(fvp, JSON.parse('{"__proto__": {"format": "json"}}')), InvalidArgumentError);
  });

  it("catalogueMap accepts an entry or its id; anything else is refused by name", () => {
    expect(catalogueMap("arm-fvp").ranges).toEqual(catalogueMap(catalogueEntry("arm-fvp")!).ranges);
    fc.assert(fc.property(hostileNames, (id) => {
      const outcome = typedOr(() => catalogueMap(id as string));
      if (typeof id === "string" && catalogueEntry(id)) expect(outcome).toMatchObject({ value: { name: id } });
      else expect(outcome).toMatchObject({ error: expect.any(InvalidArgumentError) });
      expect(typedOr(() => catalogueEntry(id as string))).toEqual({ value: api.CATALOGUE.find((e) => e.id === id) });
    }), RUNS);
    expectRefused(() => catalogueMap({ id: "x", ranges: [["0x0", "banana"]] } as never), InvalidArgumentError);
    expectRefused(() => catalogueMap({ id: "x", ranges: new Array(2 ** 32 - 1) } as never), InvalidArgumentError);
  });
});

describe("arch lookups", () => {
  it("archByName and resolveArch see only the arch list, never the prototype", () => {
    fc.assert(fc.property(hostileNames, (name) => {
      const known = typeof name === "string" && (api.ARCH_NAMES as readonly string[]).includes(name);
      expect(archByName(name as string)).toBe(known ? ARCHES[name as api.ArchName] : undefined);
      const resolved = typedOr(() => resolveArch(name as string));
      expect(resolved).toEqual(known || name === undefined ? { value: archByName((name as string) ?? "x86-64") } : { error: expect.any(XenmmError) });
    }), RUNS);
  });

  it("custom profiles are checked field by field", () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(ARCHES.arm64)), hostile, (field, value) => {
      const profile = { ...ARCHES.arm64, [field]: value };
      const outcome = typedOr(() => pdxGroupCount(profile));
      if ("value" in outcome) expect(outcome.value).toBe(2n ** BigInt(profile.pdxGroupShift) / BigInt(profile.pageInfoSize & -profile.pageInfoSize));
      typedOr(() => frametableNr(profile));
      typedOr(() => platformSetup(fvp, profile));
    }), RUNS);
  });
});

describe("PDX setup and presentation", () => {
  it("platformSetup and compareSchemes check their options like the CLI flags", () => {
    fc.assert(fc.property(fc.constantFrom("maxOrder", "tableOrder", "base", "__proto__", "bogus"), hostile, (key, value) => {
      const options = JSON.parse("{}");
      Object.defineProperty(options, key, { value, enumerable: true });
      const a = typedOr(() => compareSchemes(fvp, ARCHES.arm64, options));
      const b = typedOr(() => platformSetup(fvp, ARCHES.arm64, options));
      expect("value" in a).toBe("value" in b);
    }), RUNS);
    for (const options of [null, 42, "mask", []]) expectRefused(() => platformSetup(fvp, ARCHES.arm64, options as never), InvalidArgumentError);
  });

  it("compressionSetup refuses malformed ranges and parameters", () => {
    const params = { maxOrder: 18, pageShift: 12, tableOrder: 6, maxRanges: 16, base: 0n };
    expect(compressionSetup("mask", [{ basePfn: 0x80000n, pages: 0x80000n }, { basePfn: 0x880000n, pages: 0x80000n }], params).state.compressed).toBe(true);
    fc.assert(fc.property(hostile, fc.constantFrom("basePfn", "pages", "maxOrder", "pageShift", "tableOrder", "maxRanges", "base"), (value, key) => {
      const range = { basePfn: 0x80000n, pages: 0x80000n, ...(key in params ? {} : { [key]: value }) };
      typedOr(() => compressionSetup("offset", [range], { ...params, ...(key in params ? { [key]: value } : {}) }));
    }), RUNS);
    for (const ranges of [null, [null], new Array(2 ** 32 - 1), [{ basePfn: 2n ** 64n - 1n, pages: 2n }]])
      expectRefused(() => compressionSetup("mask", ranges as never, params), InvalidArgumentError);
    expectRefused(() => compressionSetup("__proto__" as never, [], params), InvalidArgumentError);
  });

  it("presentations take states of their own scheme only", () => {
    const mask = platformSetup(fvp, ARCHES.arm64, { scheme: "mask" }).state;
    const offset = platformSetup(fvp, ARCHES.arm64, { scheme: "offset" }).state;
    expect(bitDiagram(mask as api.MaskState)[0]).toMatch(/^bit 63 T+·+B+ bit 0$/);
    expect(offsetRows(offset as api.OffsetState).length).toBe(2);
    for (const bad of [null, 42, {}, { scheme: "__proto__" }, { ...mask, pfnHoleMask: -1n }, { ...offset, pfnBases: [] }, offset]) {
      for (const f of [maskFields, bitDiagram]) expectRefused(() => f(bad as never), InvalidArgumentError);
      if (bad !== offset) expectRefused(() => paramsJson(bad as never), InvalidArgumentError);
    }
    expectRefused(() => offsetRows(mask as never), InvalidArgumentError);
    expectRefused(() => api.platformMfnValid({ ...platformSetup(fvp, ARCHES.arm64) }, 0x80000n), InvalidArgumentError);
  });

  it("hex prints any integer, negatives as -0x…, never 0x-; humanBytes takes sizes under the rule", () => {
    fc.assert(fc.property(hostile, (v) => {
      const out = typedOr(() => hex(v as bigint));
      if (typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v))) {
        const b = asBig(v);
        expect(out).toEqual({ value: `${b < 0n ? "-" : ""}0x${(b < 0n ? -b : b).toString(16)}` });
      } else expect(out).toMatchObject({ error: expect.any(InvalidArgumentError) });
      if ("value" in out) expect(out.value).not.toMatch(/0x-/);
      const human = typedOr(() => humanBytes(v as bigint));
      if ((typeof v === "bigint" && v >= 0n) || isU64(v)) expect(human).toMatchObject({ value: expect.stringMatching(/^[\d.]+(e\+\d+)? [KMGTPE]?i?B$/) });
      else expect(human).toMatchObject({ error: expect.any(InvalidArgumentError) });
    }), RUNS);
    expect(hex(-1n)).toBe("-0x1");
  });
});

describe("ring simulator and async ring", () => {
  const quick = { durationMs: 2 };

  it("simulate merges its defaults: a design and a vCPU count are enough", () => {
    const short = vmevent.simulate({ design: "legacy", vcpus: 9, durationMs: 50 });
    expect(short.events).toBeGreaterThan(0);
    expect(short).toEqual(vmevent.simulate({ ...vmevent.SIM_DEFAULTS, design: "legacy", vcpus: 9, durationMs: 50 }));
    expect(short.sync_rate_hz).toBe(vmevent.SIM_DEFAULTS.syncRateHz);
  });

  it("simulate refuses non-finite, negative or out-of-range settings before running", () => {
    const numeric = ["vcpus", "pages", "syncRateHz", "asyncRateHz", "serviceUs", "durationMs", "seed"] as const;
    fc.assert(fc.property(fc.constantFrom(...numeric), hostile, (key, value) => {
      const outcome = typedOr(() => vmevent.simulate({ design: "new", vcpus: 2, ...quick, [key]: value }));
      const [min, max] = vmevent.SIM_LIMITS[key];
      const integer = key === "vcpus" || key === "pages" || key === "seed";
      const fine = value === undefined || (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value)));
      if (!fine) expect(outcome).toMatchObject({ error: expect.any(InvalidArgumentError) });
      else if ("value" in outcome) expect(outcome.value.vcpus).toBe(key === "vcpus" ? value : 2);
    }), { numRuns: 400 });
    for (const bad of [{ durationMs: Infinity }, { durationMs: -1 }, { serviceUs: NaN }, { syncRateHz: -5 }, { vcpus: 4096, durationMs: 3.6e6 }])
      expectRefused(() => vmevent.simulate({ design: "legacy", vcpus: 1, ...bad }), InvalidArgumentError);
  });

  it("simulate's choices come from their own lists", () => {
    fc.assert(fc.property(fc.constantFrom("design", "policy", "serviceDist", "notify", "agentPolicy", "__proto__", "bogus"), hostileNames, (key, value) => {
      const config = JSON.parse('{"design": "new", "vcpus": 1, "durationMs": 2}');
      Object.defineProperty(config, key, { value, enumerable: true });
      typedOr(() => vmevent.simulate(config));
    }), RUNS);
    expectRefused(() => vmevent.simulate(JSON.parse('{"design": "new", "vcpus": 1, "__proto__": {"durationMs": 1}}')), InvalidArgumentError);
    for (const args of [[null, [1]], [["new"], null], [["__proto__"], [1]], [["new"], new Array(2 ** 32 - 1)], [["new"], [1], quick, 42]] as const)
      expectRefused(() => vmevent.sweep(...(args as unknown as Parameters<typeof vmevent.sweep>)), InvalidArgumentError);
  });

  it("async ring regions, producers and consumers refuse unknown policies and sizes", () => {
    fc.assert(fc.property(hostileNames, hostile, (policy, pages) => {
      const ring = typedOr(() => vmevent.AsyncRingRegion.create(1, policy as vmevent.LossPolicy));
      expect("value" in ring).toBe(policy === "drop" || policy === "overwrite");
      const geometry = typedOr(() => vmevent.asyncRingGeometry(pages as number));
      expect("value" in geometry).toBe(Number.isInteger(pages) && (pages as number) >= 1 && (pages as number) <= 128);
      const region = vmevent.AsyncRingRegion.create(1, "drop");
      const known = policy === "drop" || policy === "overwrite";
      expect("value" in typedOr(() => new vmevent.AsyncRingProducer(region, policy as vmevent.LossPolicy))).toBe(known);
      expect("value" in typedOr(() => new vmevent.AsyncRingConsumer(region, policy as vmevent.LossPolicy))).toBe(known);
      typedOr(() => new vmevent.AsyncRingConsumer(region, "drop", { releaseEvery: pages as number }));
    }), RUNS);
  });
});

describe("errors", () => {
  it("every exported error class is a XenmmError with its own name", () => {
    const exported: unknown[] = [...Object.values(api), ...Object.values(vmevent), ...Object.values(xenstore)];
    const classes = exported.filter((v): v is new (...args: unknown[]) => Error => typeof v === "function" && v.prototype instanceof Error);
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining(["XenmmError", "InvalidArgumentError", "DisposedError", "XsReplyError", "MemoryMapError"]));
    for (const C of classes) expectTyped(new C("argument", "rule"));
  });

  it("every function of the main entry is exercised by a hostile test", () => {
    const covered = new Set([
      // hostile-engine.test.ts
      "resolveArch", "runTask", "instantiateEngine", "engineModule", "probePfn", "platformMfnValid",
      // this file
      "archByName", "pdxGroupCount", "frametableNr", "catalogueEntry", "catalogueMap", "makeMemoryMap", "platformSetup", "compareSchemes",
      "humanBytes", "compressionSetup", "paramsJson", "bitDiagram", "maskFields", "offsetRows", "hex",
      "parseMemoryMap", "detectFormat",
    ]);
    // pdxJson takes only what platformSetup returned; the CLI and survey tests cover it.
    const elsewhere = new Set(["pdxJson"]);
    const functions = Object.entries(api).filter(([, v]) => typeof v === "function" && !(v.prototype instanceof Error) && !/^[A-Z]/.test(v.name)).map(([k]) => k);
    expect(functions.filter((f) => !covered.has(f) && !elsewhere.has(f))).toEqual([]);
  });
});

describe("vm_event building blocks", () => {
  const calls: Array<[string, (a: unknown, b: unknown) => unknown]> = [
    ["rawSlots", (a, b) => vmevent.rawSlots(a as number, b as number)], ["ringSlots", (a, b) => vmevent.ringSlots(a as number, b as number)],
    ["ringBytes", (a, b) => vmevent.ringBytes(a as number, b as number)], ["floorPow2", (a) => vmevent.floorPow2(a as number)],
    ["SharedRingRegion.create", (a, b) => vmevent.SharedRingRegion.create(a as number, b as number)],
    ["SyncSlotRegion.create", (a) => vmevent.SyncSlotRegion.create(a as number)], ["syncSlotPages", (a, b) => vmevent.syncSlotPages(a as number, b as number)],
    ["EventChannelSet.create", (a) => vmevent.EventChannelSet.create(a as number)], ["newEntry", (a) => vmevent.newEntry(a as number)],
    ["readHeader", (a) => vmevent.readHeader(a as Uint8Array)], ["readTag", (a) => vmevent.readTag(a as Uint8Array)],
    ["writeHeader", (a, b) => vmevent.writeHeader(vmevent.newEntry(), { version: 7, flags: 0, reason: a as number, vcpuId: b as number })],
    ["writeTag", (a) => vmevent.writeTag(a as Uint8Array, 1)], ["answer", (a) => vmevent.answer(a as Uint8Array, vmevent.newEntry())],
    ["thresholds", (a, b) => vmevent.thresholds(a as number, b as number)], ["slotTables", (a) => vmevent.slotTables(a as number)],
    ["blackEyeThreshold", (a) => vmevent.blackEyeThreshold(a as number)], ["waitqueueThreshold", (a) => vmevent.waitqueueThreshold(a as number)],
    ["asyncRingGeometry", (a, b) => vmevent.asyncRingGeometry(a as number, b as number)],
  ];

  it.each(calls)("%s returns or refuses with a typed error", (_name, call) => {
    fc.assert(fc.property(hostile, hostile, (a, b) => { typedOr(() => call(a, b)); }), { numRuns: 150 });
  });

  it("floorPow2 never loops forever, and sizes refuse what they cannot allocate", () => {
    expectRefused(() => vmevent.floorPow2(Infinity), InvalidArgumentError);
    expectRefused(() => vmevent.SharedRingRegion.create(1 << 28, 1 << 16), InvalidArgumentError);
    expect(vmevent.ringSlots(1, 400)).toBe(8);
  });
});
