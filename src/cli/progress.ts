/**
 * Progress of a long CLI run, on stderr. Quiet for runs under `XENMM_PROGRESS_DELAY_MS`
 * (default 2000 ms), so short commands and their tests see nothing. Past that, a TTY gets a
 * line redrawn in place (at most 10 times a second) and every stream gets one summary line
 * at the end, so a log or CI shows how long the run took.
 */

/** What a run reports: `done` of `total` units, and the step under way. */
export type ProgressCallback = (done: number, total: number, label?: string) => void;

export interface Progress {
  update: ProgressCallback;
  /** Ends the report with `summary` (e.g. "2 runs, 1000 domains"), shown only for long runs. */
  finish(summary: string): void;
}

export interface ProgressOptions {
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Quiet this long, ms. */
  delayMs?: number;
  /** Milliseconds, monotonic. */
  now?: () => number;
}

const DEFAULT_DELAY_MS = 2000;
const REDRAW_MS = 100;
const LINE_WIDTH = 79;

function delayFromEnv(): number {
  const v = Number(process.env.XENMM_PROGRESS_DELAY_MS);
  return process.env.XENMM_PROGRESS_DELAY_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : DEFAULT_DELAY_MS;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Starts timing `task` (e.g. "xenstored sim"). */
export function startProgress(task: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const delayMs = options.delayMs ?? delayFromEnv();
  const now = options.now ?? (() => performance.now());
  const start = now();
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    update(done, total, label) {
      const t = now();
      if (!stream.isTTY || t - start < delayMs || t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      drawn = true;
      const pct = total > 0 ? ` ${Math.floor((100 * done) / total)}%` : "";
      const line = `${task}: ${done}/${total}${pct}${label ? ` ${label}` : ""}, ${seconds(t - start)}`;
      stream.write(`\r\x1b[K${line.slice(0, LINE_WIDTH)}`);
    },
    finish(summary) {
      const elapsed = now() - start;
      if (drawn) stream.write("\r\x1b[K");
      if (elapsed >= delayMs) stream.write(`${task}: ${summary} in ${seconds(elapsed)}\n`);
    },
  };
}
