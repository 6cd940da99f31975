import { XenmmError } from "../errors.js";

/**
 * The engine cannot hold what was asked in wasm32 linear memory (at most 4 GiB): the
 * message says how much was needed, how much is left, and what to do instead.
 */
export class EngineCapacityError extends XenmmError {
  override name = "EngineCapacityError";
}

/** A Pdx (or its frame table) was used after dispose(): its memory may now hold another scheme. */
export class DisposedError extends XenmmError {
  override name = "DisposedError";
}
