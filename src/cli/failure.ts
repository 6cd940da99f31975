/**
 * How the `xenmm` command ends when something goes wrong. The user sees one line, never a
 * stack trace unless they ask for it with --debug:
 *   exit 2  input refused (a XenmmError) or the system refused a file or socket the user named
 *   exit 1  a bug in xenmm: one line, then a line asking for a report
 */
import { XenmmError } from "../errors.js";

export interface FailureContext {
  /** --debug: also print the stack. */
  debug: boolean;
  /** The package version, named in the bug-report hint. */
  version: string;
  /** Writes one line (console.error in the CLI). */
  write: (line: string) => void;
}

export const EXIT_REFUSED = 2;
export const EXIT_BUG = 1;

/** A failed system call (open, bind, write …): Node sets an errno `code` and the `syscall`. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof x.syscall === "string" && typeof x.code === "string" && /^E[A-Z0-9]+$/.test(x.code);
}

const firstLine = (text: string) => text.split("\n", 1)[0]!;

/** Any thrown value as text (String() itself throws for an object without a prototype). */
function text(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return typeof e;
  }
}

/** Reports `e` through `ctx.write` and returns the exit status. */
export function reportFailure(e: unknown, ctx: FailureContext): number {
  const stack = (e instanceof Error && e.stack) || text(e);
  if (e instanceof XenmmError || isSystemError(e)) {
    ctx.write(`xenmm: ${firstLine(e.message)}`);
    if (ctx.debug) ctx.write(stack);
    return EXIT_REFUSED;
  }
  ctx.write(`xenmm: internal error: ${firstLine(text(e))}`);
  ctx.write(ctx.debug ? stack : `This is a bug in xenmm ${ctx.version}; please report it with the command you ran (--debug shows the stack).`);
  return EXIT_BUG;
}
