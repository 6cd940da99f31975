/** Runs the built `xenmm` (dist/, built by `pretest`) as a user would; never throws on a non-zero exit. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const CLI = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

export interface CliResult { code: number; stdout: string; stderr: string }

export async function xenmm(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as CliResult;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
