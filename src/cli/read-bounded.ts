/**
 * Reads a whole input the user named, up to a byte limit. A size check before reading is
 * not enough: /dev/zero, pipes, stdin and /proc files all report size 0.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { UsageError } from "../errors.js";

const CHUNK_BYTES = 1 << 20;

/**
 * The text of `path` ("-" is stdin), or a UsageError once it passes `maxBytes`; `why` ends
 * that message ("no memory map is"). Errors from open/read (ENOENT, EISDIR …) pass through.
 */
export function readBoundedText(path: string, maxBytes: number, why: string): string {
  const fd = path === "-" ? stdinDescriptor() : openSync(path, "r");
  const tooLarge = () => new UsageError(`'${path === "-" ? "stdin" : path}' is larger than ${maxBytes >> 20} MiB; ${why}`);
  try {
    if (fstatSync(fd).size > maxBytes) throw tooLarge(); // a regular file says so before it is read
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) return Buffer.concat(chunks, total).toString("utf8");
      total += n;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** A fresh descriptor for stdin (fd 0 itself may be non-blocking: EAGAIN); fd 0 for a socket, which cannot be reopened. */
function stdinDescriptor(): number {
  try {
    return openSync("/dev/stdin", "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENXIO") return 0;
    throw e;
  }
}
