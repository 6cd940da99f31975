/**
 * Where a unix-socket xenstored may listen. C xenstored unlinks whatever is at its socket
 * path; we remove only a stale socket (one nobody answers on) and refuse everything else,
 * so a mistyped `--socket` can never delete a user's file or take over a live server.
 */
import type { Stats } from "node:fs";
import { lstat, stat, unlink } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
import { XenmmError } from "../errors.js";

/** sun_path holds 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** How long a socket at the path may take to answer before we call it stale. */
const PROBE_TIMEOUT_MS = 1000;

/** The socket path cannot be used; the message says why and names the path. */
export class SocketPathError extends XenmmError {
  override name = "SocketPathError";
  constructor(readonly path: string, reason: string) {
    super(`socket ${JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path)}: ${reason}`);
  }
}

/** What an errno from bind/lstat/unlink means for a socket path. */
const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: "its directory does not exist",
  ENOTDIR: "a component of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EADDRINUSE: "already in use",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
};

/** A SocketPathError for a failed system call on `path`, or the error itself if it is not an errno. */
export function socketPathFailure(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== "string") return e;
  const reason = Object.hasOwn(ERRNO_REASONS, code) ? ERRNO_REASONS[code] : "cannot listen there";
  return new SocketPathError(path, `${reason} (${code})`);
}

/**
 * Probes the unix socket at `path`: "live" if something accepts (or is slow to refuse),
 * "stale" only for ECONNREFUSED (a socket file nobody listens on), else the error.
 */
function probe(path: string): Promise<"live" | "stale" | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (result: "live" | "stale" | NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done("live"));
    socket.once("connect", () => done("live"));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "stale" : e));
  });
}

/** What is at a path that is not a socket, for the message. */
function kindOf(info: Stats): string {
  if (info.isFile()) return "a regular file";
  if (info.isDirectory()) return "a directory";
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isFIFO()) return "a FIFO";
  return "a device";
}

/**
 * Makes `path` ready for listen(): checks its length and characters, removes a stale
 * socket there, and throws SocketPathError for a live socket or anything that is not a
 * socket (a regular file, a directory, a symlink, a device).
 */
export async function claimSocketPath(path: string): Promise<void> {
  if (path === "") throw new SocketPathError(path, "the path is empty");
  if (path.includes("\0")) throw new SocketPathError(path, "the path contains a NUL byte");
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES)
    throw new SocketPathError(path, `the path is ${bytes} bytes; a unix socket path holds at most ${MAX_SOCKET_PATH_BYTES}`);
  let info;
  try {
    info = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw socketPathFailure(path, e);
    // libuv reports a missing directory as EACCES from bind(); say what is really wrong.
    await stat(dirname(path)).catch((e: unknown) => { throw socketPathFailure(path, e); });
    return;
  }
  if (!info.isSocket()) throw new SocketPathError(path, `${kindOf(info)} is there; refusing to replace it (only a stale socket is removed)`);
  const state = await probe(path);
  if (state === "live") throw new SocketPathError(path, "a server is listening there; stop it or pick another path");
  if (state !== "stale") throw socketPathFailure(path, state);
  await unlink(path).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw socketPathFailure(path, e);
  });
}
