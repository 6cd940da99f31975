/**
 * `xenmm xenstored` as a user runs it: the compiled CLI (dist/, built by `pretest`) as a
 * child process: the sim JSON, --interfaces, --help. The foreground server with Debian's
 * clients is in real-clients.test.ts.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xenmm } from "../run-cli.js";

const run = (...args: string[]) => xenmm("xenstored", ...args);

describe("xenmm xenstored", () => {
  it("sim --json prints the exact run records", async () => {
    const r = await run("sim", "--domains", "2", "--listeners", "2", "--deaths", "2", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      runs: [
        { design: "legacy", domains: 2, listeners: 2, deaths: 2, queries: 8, lock_hold_ms: 0.008, events_delivered: 3, events_irrelevant: 1, notify_delay_us_mean: 13, notify_delay_us_max: 14 },
        { design: "new", domains: 2, listeners: 2, deaths: 2, queries: 4, lock_hold_ms: 0.004, events_delivered: 2, events_irrelevant: 0, notify_delay_us_mean: 11, notify_delay_us_max: 11 },
        { design: "toolstack", domains: 2, listeners: 2, deaths: 2, queries: 4, lock_hold_ms: 0.004, events_delivered: 2, events_irrelevant: 0, notify_delay_us_mean: 21, notify_delay_us_max: 21 },
      ],
    });
    const one = await run("sim", "--domains", "3", "--listeners", "3", "--deaths", "3", "--design", "legacy", "--json");
    expect(JSON.parse(one.stdout).runs).toEqual([
      { design: "legacy", domains: 3, listeners: 3, deaths: 3, queries: 20, lock_hold_ms: 0.02, events_delivered: 6, events_irrelevant: 3, notify_delay_us_mean: 14, notify_delay_us_max: 16 },
    ]);
  });

  it("sim rejects bad flags with exit status 2", async () => {
    expect((await run("sim", "--domains", "2", "--listeners", "1", "--deaths", "3")).code).toBe(2);
    expect((await run("sim", "--domains", "2", "--listeners", "1")).stderr).toContain("--deaths is required");
    expect((await run("sim", "--domains", "2", "--listeners", "1", "--deaths", "1", "--design", "fast")).code).toBe(2);
    expect((await run("--bogus")).code).toBe(2);
  });

  it("sim sweep writes the chart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xenmm-sim-"));
    const r = await run("sim", "--sweep", "--max-domains", "100", "--html", join(dir, "storm.html"), "--json");
    const runs = JSON.parse(r.stdout).runs as Array<{ domains: number; design: string }>;
    expect(runs.map((x) => `${x.design}${x.domains}`)).toEqual(
      [10, 20, 50, 100].flatMap((n) => [`legacy${n}`, `new${n}`, `toolstack${n}`]));
    expect(await readFile(join(dir, "storm.html"), "utf8")).toContain("<svg");
    await rm(dir, { recursive: true });
  });

  it("--interfaces: xenstored is on stable interfaces only in the new and toolstack designs", async () => {
    const r = await run("--interfaces");
    expect(r.stdout).toContain("design: legacy\n");
    expect(r.stdout).toContain("libxenctrl, UNSTABLE");
    expect(r.stdout.match(/stable interfaces only: (yes|no)/g)).toEqual(
      ["stable interfaces only: no", "stable interfaces only: yes", "stable interfaces only: yes"]);
  });

  it("--help", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("xenmm xenstored sim --domains N --listeners M --deaths K");
  });
});
