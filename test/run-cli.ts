/** Runs the built `xenmm` (dist/, built by `pretest`) as a user would; never throws on a non-zero exit. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const CLI = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

/** `code` is -1 when the run was killed (by `timeoutMs`) or could not start. */
export interface CliResult { code: number; stdout: string; stderr: string }

export interface CliOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Kill the run after this long. */
  timeoutMs?: number;
}

export async function xenmmWith(options: CliOptions, ...args: string[]): Promise<CliResult> {
  try {
    const run = promisify(execFile)(process.execPath, [CLI, ...args], {
      maxBuffer: 64 << 20, cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs,
    });
    run.child.stdin?.end(); // empty standard input, as from </dev/null: `xenmm pdx -` reads it
    const { stdout, stderr } = await run;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

export function xenmm(...args: string[]): Promise<CliResult> {
  return xenmmWith({}, ...args);
}
