/**
 * The engine: one shared WebAssembly.Memory, the compiled PDX module instantiated over
 * it, and any number of configured PDX schemes side by side in that memory.
 *
 *   const engine = await Engine.create({ arch: "arm64" });
 *   const pdx = engine.setup(parseMemoryMap(text), { scheme: "mask" });
 *   pdx.pfnToPdx(0x880000n); // 0x180000n
 */
import { resolveArch, type ArchName, type ArchProfile } from "../arch.js";
import { InvalidArgumentError, UsageError } from "../errors.js";
import { checkOptions } from "../options.js";
import { describeValue, toIndex } from "../u64.js";
import type { MemoryMap } from "../memmap/map.js";
import { PLATFORM_OPTION_KEYS, platformSetup, type PlatformOptions } from "../pdx/platform.js";
import type { Layout, WasmExports } from "./abi.js";
import { writeContextBlock } from "./context-block.js";
import { LinearMemory, WASM32_MAX_PAGES, WASM_PAGE } from "./linear-memory.js";
import { Pdx } from "./pdx.js";
import { engineModule, instantiateEngine } from "./wasm.js";

export interface EngineOptions {
  /** Arch profile by name or value (default x86-64). */
  arch?: ArchName | ArchProfile;
  /** Upper bound on linear memory (default 1 GiB; wasm32 allows 4 GiB). */
  maxMemoryBytes?: number;
}

export class Engine {
  private constructor(
    readonly arch: ArchProfile,
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly exports: WasmExports,
    readonly layout: Layout,
    private readonly linear: LinearMemory,
  ) {}

  static async create(options?: EngineOptions): Promise<Engine> {
    const o = checkOptions("Engine.create(options)", options, ["arch", "maxMemoryBytes"]);
    const arch = resolveArch(o.arch);
    const maxBytes = o.maxMemoryBytes === undefined ? 1 << 30 : toIndex("maxMemoryBytes", o.maxMemoryBytes, WASM32_MAX_PAGES * WASM_PAGE);
    if (maxBytes < WASM_PAGE) throw new UsageError(`maxMemoryBytes must be between ${WASM_PAGE} and ${WASM32_MAX_PAGES * WASM_PAGE} (wasm32)`);
    const maxPages = Math.floor(maxBytes / WASM_PAGE);
    const module = await engineModule();
    const memory = new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true });
    const { exports, layout } = await instantiateEngine(module, memory);
    return new Engine(arch, module, memory, exports, layout, new LinearMemory(memory, exports.heap_base(), maxPages));
  }

  /**
   * Runs the arch's PDX setup on a map (the scheme's identity state if it declines)
   * and writes the result into a new context block. `arch` overrides the engine's.
   */
  setup(map: MemoryMap, options?: PlatformOptions & { arch?: ArchName | ArchProfile }): Pdx {
    const { arch, ...rest } = checkOptions("setup(options)", options, ["arch", ...PLATFORM_OPTION_KEYS]);
    const platform = platformSetup(map, arch === undefined ? this.arch : resolveArch(arch), rest);
    const block = writeContextBlock(this.linear, this.layout, platform);
    this.exports.offset_select_prepare(block.ctx); // the offset kernel's operands, derived once from the tables
    return new Pdx(this.linear, this.exports, this.layout, block, platform);
  }

  /** Arrays from allocU64 not yet given back (by identity: a stale copy can never free a reused region). */
  private readonly liveArrays = new WeakSet<BigUint64Array<ArrayBufferLike>>();
  private readonly freedArrays = new WeakSet<BigUint64Array<ArrayBufferLike>>();

  /** A BigUint64Array living in the engine's memory: batches over it run with no copying. */
  allocU64(length: number | bigint): BigUint64Array {
    const n = toIndex("allocU64(length)", length, WASM32_MAX_PAGES * WASM_PAGE / 8);
    const array = this.linear.u64At(this.linear.alloc(n * 8, `an array of ${n} u64`), n);
    this.liveArrays.add(array);
    return array;
  }

  /** Gives an array from allocU64 back; it must not be used afterwards. Freeing it again is a no-op. */
  freeU64(array: BigUint64Array): void {
    if (this.freedArrays.has(array)) return;
    if (!this.liveArrays.has(array))
      throw new InvalidArgumentError("freeU64(array)", `${describeValue(array)} is not an array allocU64 of this engine handed out (a subarray, a copy, or another engine's)`);
    this.liveArrays.delete(array);
    this.freedArrays.add(array);
    this.linear.release(array.byteOffset, array.byteLength);
  }
}
