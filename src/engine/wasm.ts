/**
 * Loads the engine's WASM: the binary is embedded (base64) at build time, so Node,
 * browsers and bundlers share one path; the compiled Module is cached and can be sent
 * to workers, which instantiate it over the same shared Memory.
 */
import { InvalidArgumentError } from "../errors.js";
import { describeValue } from "../u64.js";
import { checkExports, readLayout, type Layout, type WasmExports } from "./abi.js";
import { WASM_BASE64 } from "./wasm-binary.generated.js";

let compiled: Promise<WebAssembly.Module> | undefined;

function decodeBase64(b64: string): Uint8Array {
  if (typeof Buffer !== "undefined") return Buffer.from(b64, "base64");
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The compiled engine module (compiled once per thread). */
export function engineModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return compiled;
}

export interface EngineInstance {
  readonly exports: WasmExports;
  readonly layout: Layout;
}

/** Instantiates the module over a shared memory (the module imports `env.memory`). */
export async function instantiateEngine(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<EngineInstance> {
  if (!(module instanceof WebAssembly.Module)) throw new InvalidArgumentError("instantiateEngine(module)", `expected the engine's WebAssembly.Module (engineModule()), got ${describeValue(module)}`);
  if (!(memory instanceof WebAssembly.Memory)) throw new InvalidArgumentError("instantiateEngine(memory)", `expected a shared WebAssembly.Memory, got ${describeValue(memory)}`);
  try {
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return { exports: checkExports(instance.exports), layout: readLayout(instance.exports) };
  } catch (e) {
    // Another module, or a memory that is not shared or too small: the caller's input.
    throw new InvalidArgumentError("instantiateEngine", `the module does not instantiate as the engine over this memory: ${(e as Error).message}`);
  }
}
