/**
 * Errors a misbehaving peer or caller causes. A peer that writes garbage into shared memory
 * is bad *input* (XenmmError): the reading side detects it, reports it with the field and
 * the values seen, and never reads or writes outside the region.
 */
import { XenmmError } from "../errors.js";

/** A shared index, counter or slot state written by the other side breaks the protocol. */
export class RingCorruptionError extends XenmmError {
  override name = "RingCorruptionError";
  constructor(
    /** Which shared field was wrong, e.g. "rsp_prod". */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A state machine was asked for a transition its rules forbid (a bug in the caller's protocol use). */
export class IllegalTransitionError extends XenmmError {
  override name = "IllegalTransitionError";
}
