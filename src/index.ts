/**
 * xenmm: a WebAssembly-accelerated model of Xen's memory-management machinery.
 * The same API runs in Node and browsers; Node-only parts (worker_threads pools, unix
 * sockets) live in their own modules.
 */
export { Engine, type EngineOptions } from "./engine/engine.js";
export { Pdx, type Conversion, type Kernel, type BatchOptions } from "./engine/pdx.js";
export { FrameTable, PageRefError } from "./engine/frame-table.js";
export { EngineCapacityError, DisposedError } from "./engine/errors.js";
export { runTask, type WorkerTask, type WorkerResult, type EnginePool } from "./engine/worker-tasks.js";
export { WebWorkerPool } from "./engine/web-pool.js";
export { instantiateEngine, engineModule } from "./engine/wasm.js";
export { WASM_SHA256 } from "./engine/wasm-binary.generated.js";

export { ARCHES, ARCH_NAMES, archByName, resolveArch, pdxGroupCount, frametableNr, type ArchName, type ArchProfile } from "./arch.js";
export { CATALOGUE, catalogueEntry, catalogueMap, type CatalogueEntry } from "./catalogue.js";
export { parseMemoryMap, detectFormat, type ParseOptions } from "./memmap/parse.js";
export { makeMemoryMap, type MemoryMap, type RamRange, type RamRangeInput, type MapFormat } from "./memmap/map.js";
export { MemoryMapError } from "./memmap/error.js";

export { platformSetup, platformMfnValid, type Platform, type PlatformOptions } from "./pdx/platform.js";
export { compareSchemes, humanBytes, type SchemeComparison, type SchemeOutcome } from "./pdx/compare.js";
export { compressionSetup } from "./pdx/setup.js";
export { SCHEMES, type SchemeName, type PdxState, type MaskState, type OffsetState, type NoneState } from "./pdx/state.js";
export { paramsJson, bitDiagram, maskFields, offsetRows } from "./pdx/describe.js";
export { pdxJson, type ProbeJson } from "./pdx/result-json.js";
export { probePfn } from "./engine/probe.js";
export * as reference from "./pdx/reference.js";
export { hex } from "./pdx/bits.js";

export { XenmmError, UsageError, InvalidArgumentError } from "./errors.js";
export { SeededRandom } from "./prng.js";
export type { U64Input } from "./u64.js";
export * as vmevent from "./vmevent/index.js";
export * as xenstore from "./xenstore/index.js";
