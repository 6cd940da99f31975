/**
 * The progress reporter: silent for short runs, a redrawn line on a TTY, one summary line
 * at the end of a long run; and the built CLI's long verbs using it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startProgress } from "../../src/cli/progress.js";
import { CLI, xenmmWith } from "../run-cli.js";

/** A stream that keeps what is written, and a clock the test moves. */
function harness(isTTY: boolean) {
  const written: string[] = [];
  let t = 1000;
  return {
    written,
    advance: (ms: number) => { t += ms; },
    options: { stream: { isTTY, write: (s: string) => written.push(s) }, delayMs: 2000, now: () => t },
  };
}

describe("startProgress", () => {
  it("says nothing about a run shorter than the delay, TTY or not", () => {
    for (const tty of [true, false]) {
      const h = harness(tty);
      const p = startProgress("task", h.options);
      h.advance(1999);
      p.update(5, 10, "half");
      p.finish("10 things");
      expect(h.written).toEqual([]);
    }
  });

  it("without a TTY: no redraws, one summary line at the end", () => {
    const h = harness(false);
    const p = startProgress("xenstored sim", h.options);
    h.advance(2500);
    p.update(1, 2);
    h.advance(2000);
    p.finish("2 runs");
    expect(h.written).toEqual(["xenstored sim: 2 runs in 4.5 s\n"]);
  });

  it("on a TTY: redraws at most every 100 ms after the delay, clears the line, then the summary", () => {
    const h = harness(true);
    const p = startProgress("ring sim", h.options);
    h.advance(2100);
    p.update(3, 10, "runs");
    h.advance(50);
    p.update(4, 10, "runs"); // too soon after the last draw
    h.advance(50);
    p.update(5, 10, "runs");
    p.finish("10 runs");
    expect(h.written).toEqual([
      "\r\x1b[Kring sim: 3/10 30% runs, 2.1 s",
      "\r\x1b[Kring sim: 5/10 50% runs, 2.2 s",
      "\r\x1b[K",
      "ring sim: 10 runs in 2.2 s\n",
    ]);
  });

  it("keeps the redrawn line within 79 columns", () => {
    const h = harness(true);
    const p = startProgress("bench", h.options);
    h.advance(3000);
    p.update(1, 3, "x".repeat(500));
    expect(h.written[0]).toBe(`\r\x1b[K${`bench: 1/3 33% ${"x".repeat(500)}`.slice(0, 79)}`);
  });
});

describe("long CLI runs report on stderr", () => {
  const now = { env: { XENMM_PROGRESS_DELAY_MS: "0" } };

  it("xenstored sim --engine server: a summary line; stdout is the same JSON as without it", async () => {
    const args = ["xenstored", "sim", "--domains", "20", "--listeners", "20", "--deaths", "20", "--engine", "server", "--design", "legacy", "--json"];
    const r = await xenmmWith(now, ...args);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^xenstored sim: 1 run on the server engine, up to 20 domains in \d+\.\d s\n$/);
    const quiet = await xenmmWith({ env: { XENMM_PROGRESS_DELAY_MS: "600000" } }, ...args);
    expect([quiet.stderr, quiet.stdout]).toEqual(["", r.stdout]);
    expect(JSON.parse(r.stdout).runs.map((x: { events_delivered: number }) => x.events_delivered)).toEqual([210]);
  });

  it("ring sim: a summary line naming the runs", async () => {
    const r = await xenmmWith(now, "ring", "sim", "--vcpus", "1,2", "--duration-ms", "50", "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ring sim: 4 runs of 50 ms simulated in \d+\.\d s\n$/);
    expect(JSON.parse(r.stdout).runs).toHaveLength(4);
  });

  it("on a terminal (script(1) gives the CLI a pty) the line is redrawn while deaths are processed", async () => {
    const command = `XENMM_PROGRESS_DELAY_MS=0 '${process.execPath}' '${CLI}' xenstored sim --domains 60 --listeners 60 --deaths 60 --engine server --design legacy --json`;
    const { stdout } = await promisify(execFile)("script", ["-qec", command, "/dev/null"]);
    expect(stdout).toMatch(/\r\x1b\[Kxenstored sim: \d+\/60 \d+% deaths, run 1\/1 \(legacy, 60 domains\), \d+\.\d s/);
    expect(stdout).toMatch(/\r\x1b\[Kxenstored sim: 1 run on the server engine, up to 60 domains in \d+\.\d s\r?\n/);
  });
});
