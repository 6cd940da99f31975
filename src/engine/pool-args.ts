/** The arguments every engine pool takes (node-pool.ts, web-pool.ts), checked once. */
import { InvalidArgumentError } from "../errors.js";
import { intIn } from "../options.js";
import { describeValue } from "../u64.js";
import { Engine } from "./engine.js";

/** Threads are real: more than this is a mistake, not a workload (each costs ~10 MB). */
const MAX_POOL_WORKERS = 256;

export function checkPoolArgs(who: string, engine: Engine, size: number): void {
  if (!(engine instanceof Engine)) throw new InvalidArgumentError(`${who}(engine)`, `expected an Engine, got ${describeValue(engine)}`);
  intIn(`${who}(size)`, size, 1, MAX_POOL_WORKERS);
}
