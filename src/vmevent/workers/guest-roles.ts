/**
 * A hostile guest, as worker roles (issue 12 §3): it runs in its own thread and touches only
 * memory the guest can reach, i.e. its own physical memory and its own p2m. Runtime-neutral,
 * like roles.ts.
 *  - guest-scribbler: writes random words into a byte range of guest memory until stopped
 *    (the legacy ring page, when the ring lives in a GFN; its own pages otherwise).
 *  - guest-balloon:   per batch, one balloon-driver action on the guest p2m window.
 */
import { GuestP2m } from "../hazards/guest-p2m.js";
import { SeededRandom } from "../../prng.js";
import { batchLoop, CONTROL } from "./control.js";
import type { RoleCommon } from "./roles.js";

export interface ScribblerSpec extends RoleCommon {
  role: "guest-scribbler";
  /** Guest physical memory. */
  memory: SharedArrayBuffer;
  /** Byte range it writes into (4-byte aligned). */
  from: number;
  bytes: number;
  seed: number;
}

/** What the balloon driver does in batch n (actions[n − 1]). */
export type BalloonAction = "balloon-out-ring-gfn" | "spend-allowance" | "reuse-ring-gfn";

export interface BalloonSpec extends RoleCommon {
  role: "guest-balloon";
  p2m: SharedArrayBuffer;
  baseGfn: number;
  ringGfn: number;
  actions: BalloonAction[];
}

export interface GuestResult {
  role: "guest-scribbler" | "guest-balloon";
  batches: number;
  hostileWrites?: number;
  balloonResults?: string[];
}

/** Writes this many words between checks of `stop`, then yields for ~20 µs (a guest has other work). */
const BURST = 64;

export function guestScribbler(spec: ScribblerSpec, control: Int32Array): GuestResult {
  const words = new Int32Array(spec.memory, spec.from, spec.bytes >> 2);
  const random = new SeededRandom(spec.seed);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let hostileWrites = 0;
  while (!Atomics.load(control, CONTROL.stop)) {
    for (let i = 0; i < BURST; i++) Atomics.store(words, random.nextU32() % words.length, random.nextU32() | 0);
    hostileWrites += BURST;
    Atomics.wait(pause, 0, 0, 0.02);
  }
  return { role: spec.role, batches: 0, hostileWrites };
}

export function guestBalloon(spec: BalloonSpec, control: Int32Array): GuestResult {
  const p2m = new GuestP2m(spec.p2m, spec.baseGfn);
  const balloonResults: string[] = [];
  const batches = batchLoop(control, true, (n) => {
    const action = spec.actions[n - 1];
    if (action === "balloon-out-ring-gfn") balloonResults.push(p2m.decreaseReservation(spec.ringGfn));
    else if (action === "spend-allowance") balloonResults.push(p2m.populateElsewhere());
    else if (action === "reuse-ring-gfn") balloonResults.push(p2m.populate(spec.ringGfn, spec.ringGfn));
    else balloonResults.push("no action");
  });
  return { role: spec.role, batches, balloonResults };
}
