/**
 * Node's native toolchain for the benchmark: writes the generated C kernels and their
 * inputs into a temporary directory, compiles one program per build with $CC (default
 * `cc`), and runs each as a child process that the benchmark drives line by line, so
 * native samples interleave with the WASM samples of the same run.
 */
import { spawn, execFile, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { PdxState } from "../src/index.js";
import { NATIVE_BUILDS, type NativeImpl, type NativeKernel, type NativeSession, type NativeToolchain } from "./native.js";
import { nativeSource } from "./native-source.js";

const run = promisify(execFile);

/** A running kernel program: one request line in, one reply line out, in order. */
class KernelProcess implements NativeKernel {
  private readonly waiting: Array<{ resolve(line: string): void; reject(e: Error): void }> = [];
  private exited: Error | undefined;

  constructor(readonly impl: NativeImpl, private readonly child: ChildProcessWithoutNullStreams, private readonly outputPath: string, private readonly items: number) {
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-500); });
    createInterface({ input: child.stdout }).on("line", (line) => this.waiting.shift()?.resolve(line));
    child.on("exit", (code, signal) => {
      this.exited = new Error(`${impl} kernel exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ""}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
  }

  private request(line: string): Promise<string> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  async time(op: number, reps: number): Promise<number> {
    const reply = await this.request(`t ${op} ${reps}`);
    if (!/^\d+$/.test(reply)) throw new Error(`${this.impl} kernel: unexpected reply ${JSON.stringify(reply)}`);
    return Number(reply);
  }

  async output(op: number): Promise<BigUint64Array> {
    const reply = await this.request(`v ${op}`);
    if (reply !== "ok") throw new Error(`${this.impl} kernel: ${reply}`);
    const bytes = await readFile(this.outputPath);
    if (bytes.length !== this.items * 8) throw new Error(`${this.impl} kernel wrote ${bytes.length} bytes, expected ${this.items * 8}`);
    return new BigUint64Array(bytes.buffer, bytes.byteOffset, this.items);
  }

  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => { this.child.once("exit", () => resolve()); this.child.stdin.end(); });
  }
}

/** The first line of a compiler failure, or of a missing compiler. */
function why(e: unknown, cc: string): string {
  const err = e as { code?: string; stderr?: string; message?: string };
  if (err.code === "ENOENT") return `no C compiler: ${cc} not found (set CC to one)`;
  return `${cc} failed: ${(err.stderr || err.message || String(e)).trim().split("\n")[0]}`;
}

/** Builds with $CC (or `cc`); a build that does not compile is skipped with the compiler's reason. */
export function nodeNativeToolchain(cc = process.env.CC || "cc"): NativeToolchain {
  return {
    async open(state: PdxState, inputs: readonly BigUint64Array[]): Promise<NativeSession> {
      const dir = await mkdtemp(join(tmpdir(), "xenmm-native-"));
      const items = inputs[0].length;
      const source = join(dir, `pdx-${state.scheme}.c`);
      const input = join(dir, "input.bin");
      await writeFile(source, nativeSource(state));
      await writeFile(input, Buffer.concat(inputs.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))));
      const kernels: KernelProcess[] = [];
      const skipped: string[] = [];
      for (const build of NATIVE_BUILDS) {
        const binary = join(dir, build.impl);
        try {
          await run(cc, [...build.flags, "-o", binary, source]);
        } catch (e) {
          skipped.push(`${build.impl} (${cc} ${build.flags.join(" ")}): ${why(e, cc)}`);
          continue;
        }
        const output = join(dir, `${build.impl}.out`);
        kernels.push(new KernelProcess(build.impl, spawn(binary, [input, String(items), output]), output, items));
      }
      return {
        kernels,
        skipped,
        async close() {
          await Promise.all(kernels.map((k) => k.stop()));
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
