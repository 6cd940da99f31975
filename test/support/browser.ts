/**
 * The Chromium the browser tests drive: a system Chromium when one is installed and
 * actually runs, otherwise the binary that the npm package @sparticuz/chromium ships
 * (a devDependency, so a fresh machine needs no apt and no browser download).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";

const SYSTEM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Flags that keep a headless Chromium off this machine's closed network and out of the sandbox (root). */
const QUIET_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * @sparticuz/chromium's defaults minus what would make the tests meaningless or fail:
 * `--single-process` breaks Web Workers with shared memory, and the web-security and
 * SharedArrayBuffer overrides would grant isolation the server's headers must earn.
 */
const NPM_ARGS_DROPPED = new Set(["--single-process", "--disable-web-security", "--enable-features=SharedArrayBuffer", "--allow-running-insecure-content"]);

export interface ChromiumBinary { executablePath: string; args: string[]; source: "system" | "npm" }

async function runs(path: string): Promise<boolean> {
  try {
    await promisify(execFile)(path, ["--version"], { timeout: 15_000 });
    return true;
  } catch {
    return false; // absent, not executable, or missing its libraries: as good as absent
  }
}

let found: Promise<ChromiumBinary> | undefined;

/** Finds (once per test file) the Chromium to drive. */
export function findChromium(): Promise<ChromiumBinary> {
  found ??= (async () => {
    for (const path of SYSTEM_CANDIDATES) if (await runs(path)) return { executablePath: path, args: QUIET_ARGS, source: "system" };
    const { default: npmChromium } = await import("@sparticuz/chromium");
    const args = npmChromium.args.filter((a) => !NPM_ARGS_DROPPED.has(a) && !a.startsWith("--headless"));
    return { executablePath: await npmChromium.executablePath(), args: [...new Set([...args, ...QUIET_ARGS])], source: "npm" };
  })();
  return found;
}

/** Launches headless Chromium (system or npm) through playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = await findChromium();
  return chromium.launch({ executablePath, headless: true, args });
}
