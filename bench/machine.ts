/** Where a benchmark ran, and which build: printed with every table and stored in every JSON result. */
import { WASM_SHA256 } from "../src/index.js";

/** The build measured: the package version and `git describe` (Node only; null where unknown) and the engine's sha256. */
export interface BuildInfo { version: string | null; git: string | null; wasm_sha256: string }

export interface MachineInfo { cpu: string; cores: number; runtime: string; platform: string; date: string; build: BuildInfo }

/** The package.json of xenmm above this module (bench/ in the sources, dist/bench/ when built). */
async function nodeBuild(): Promise<Omit<BuildInfo, "wasm_sha256">> {
  const [{ readFileSync }, { execFileSync }, { dirname, join }, { fileURLToPath }] =
    await Promise.all([import("node:fs"), import("node:child_process"), import("node:path"), import("node:url")]);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name !== "xenmm") continue;
      let git: string | null = null;
      try {
        git = execFileSync("git", ["describe", "--always", "--dirty", "--tags"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim() || null;
      } catch {
        // Not a git checkout (an installed package) or no git: the version alone identifies it.
      }
      return { version: pkg.version ?? null, git };
    } catch {
      // No package.json at this level: look one up.
    }
  }
  return { version: null, git: null };
}

export async function machineInfo(): Promise<MachineInfo> {
  const date = new Date().toISOString();
  if (typeof process !== "undefined" && process.versions?.node) {
    const os = await import("node:os");
    const cpus = os.cpus();
    return { cpu: cpus[0]?.model.trim() ?? "unknown", cores: cpus.length, runtime: `Node ${process.version}`, platform: `${os.platform()} ${os.arch()}`, date, build: { ...(await nodeBuild()), wasm_sha256: WASM_SHA256 } };
  }
  return { cpu: "unknown (browser)", cores: navigator.hardwareConcurrency ?? 0, runtime: navigator.userAgent, platform: "browser", date, build: { version: null, git: null, wasm_sha256: WASM_SHA256 } };
}

/** One line naming the build, for the terminal next to the machine. */
export function buildLine(b: BuildInfo): string {
  return `xenmm ${b.version ?? "(version unknown)"}${b.git ? ` (git ${b.git})` : ""}, wasm sha256 ${b.wasm_sha256.slice(0, 12)}`;
}
