/**
 * vitest globalSetup: tags every process the run starts (the tag is inherited through the
 * environment by test workers, spawned CLIs, servers and Debian's clients) and, at the
 * end, fails the run (exit status 1) if any tagged process is still alive, after killing it. A test
 * that leaks a server fails here even when its own assertions passed.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

const TAG = "XENMM_TEST_RUN";

function tagged(marker: string): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      if (/\) Z /.test(stat)) continue; // a zombie holds nothing; its parent reaps it
      found.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim().slice(0, 160) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export function setup(): () => Promise<void> {
  const marker = `${TAG}=${randomUUID()}`;
  process.env[TAG] = marker.slice(TAG.length + 1);
  return async () => {
    if (process.platform !== "linux") return;
    let left = tagged(marker);
    // Workers wind down asynchronously: give them a moment before calling them leaks.
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = tagged(marker);
    }
    if (left.length === 0) return;
    for (const p of left) {
      try { process.kill(p.pid, "SIGKILL"); } catch { /* already gone */ }
    }
    // vitest does not fail a run for an error in teardown, so say it and set the status.
    console.error(`FAIL: ${left.length} process(es) outlived the test run and were killed: ${left.map((p) => `${p.pid} ${p.cmd}`).join("; ")}`);
    process.exitCode = 1;
  };
}
