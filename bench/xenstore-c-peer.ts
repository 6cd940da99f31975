/**
 * Debian's C xenstored 4.17 as a peer on a unix socket in a fresh temp dir, started and
 * stopped through the vendored scripts (test/peers/c-xenstored/README.md). Used by the
 * differential tests and by the latency comparison; Node only.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { XenmmError } from "../src/index.js";

const execFileP = promisify(execFile);

/** The C xenstored peer is not provisioned, or did not come up: one line saying which and what to run. */
export class CPeerUnavailableError extends XenmmError {
  override name = "CPeerUnavailableError";
}

export interface CPeer {
  /** The unix socket the C daemon listens on. */
  socket: string;
  pid: number;
  /** Stops the daemon and removes its run dir; safe to call twice. */
  stop(): Promise<void>;
}

/** The folder of the peer scripts, found upwards from this file (works from src and dist). */
export function peerScriptsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "test", "peers", "c-xenstored");
    if (existsSync(join(candidate, "start-c-xenstored.sh"))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new CPeerUnavailableError(`test/peers/c-xenstored not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Where setup.sh unpacks xen-utils-4.17 and builds the shim (its XSD_CACHE; scripts/provision-tests.mjs says the same). */
export function cPeerCacheDir(): string {
  return process.env.XSD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "xenmm-c-xenstored");
}

/** Whether setup.sh has already unpacked the daemon and built the shim. */
export function cPeerProvisioned(): boolean {
  const cache = cPeerCacheDir();
  return existsSync(join(cache, "xu/usr/lib/xen-4.17/bin/xenstored")) && existsSync(join(cache, "shim.so"));
}

/** The command a user runs to provision the peer (root with apt), keeping the user's cache. */
export function cPeerSetupCommand(): string {
  return `sudo env XSD_CACHE=${cPeerCacheDir()} bash ${join(peerScriptsDir(), "setup.sh")}`;
}

/** Starts a C xenstored in a new temp run dir. Throws with the setup command if it cannot. */
export async function startCPeer(): Promise<CPeer> {
  if (!cPeerProvisioned()) throw new CPeerUnavailableError(`C xenstored 4.17 peer not provisioned; run: ${cPeerSetupCommand()}`);
  const scripts = peerScriptsDir();
  const run = await mkdtemp(join(tmpdir(), "xenmm-cxs-"));
  let pid: number;
  try {
    const { stdout } = await execFileP(join(scripts, "start-c-xenstored.sh"), [run], { timeout: 20_000 });
    pid = Number(stdout.trim().split("\n").pop());
  } catch (e) {
    await rm(run, { recursive: true, force: true });
    throw new CPeerUnavailableError(`C xenstored 4.17 did not start: ${(e as Error).message.split("\n")[0]}`);
  }
  let stopped = false;
  return {
    socket: join(run, "socket"),
    pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      await execFileP(join(scripts, "stop-c-xenstored.sh"), [run], { timeout: 20_000 }).catch(() => {
        try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
      });
      await rm(run, { recursive: true, force: true });
    },
  };
}
