/**
 * Pinning a benchmark process (all its threads, and every process it starts afterwards) to
 * one CPU, with Linux's `taskset`. A latency benchmark between two processes on a VM times
 * cross-CPU wake-ups as much as the servers' own work (on the development VM a xenstore read
 * took 63–65 µs unpinned against 18–19 pinned, for xenmm and C alike). On one
 * CPU a round trip is the client's send, the server's whole request, and two context
 * switches: the same fixed cost for every server compared.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

export interface CpuPin {
  /** The CPU everything runs on, or null when pinning was not possible. */
  cpu: number | null;
  /** Why not, when cpu is null. */
  reason?: string;
  /** Gives the process back the CPUs it had. */
  restore(): void;
}

const taskset = (args: string[]): string =>
  execFileSync("taskset", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5_000 });

/** Pins this process to `cpu` (default: the last CPU, the one least busy with interrupts). */
export function pinToCpu(cpu: number = cpus().length - 1): CpuPin {
  const pid = String(process.pid);
  try {
    // "pid 123's current affinity mask: 3"
    const before = taskset(["-p", pid]).trim().split(/\s+/).pop()!;
    taskset(["-a", "-p", "-c", String(cpu), pid]);
    return { cpu, restore: () => { try { taskset(["-a", "-p", before, pid]); } catch { /* the process is ending anyway */ } } };
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "taskset not found" : `taskset failed: ${String((e as { stderr?: string }).stderr ?? e).trim().split("\n")[0]}`;
    return { cpu: null, reason, restore: () => {} };
  }
}
