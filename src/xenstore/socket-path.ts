/**
 * Where a unix-socket xenstored may listen. C xenstored unlinks whatever is at its socket
 * path; we remove only a stale socket (one nobody answers on) and refuse everything else,
 * so a mistyped `--socket` can never delete a user's file or take over a live server.
 */
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

/** Whether a server answers on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    const done = (live: boolean) => {
      probe.destroy();
      resolve(live);
    };
    probe.setTimeout(PROBE_TIMEOUT_MS, () => done(true)); // slow to answer is still someone's
    probe.once("connect", () => done(true));
    probe.once("error", () => done(false));
  });
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
  if (!info.isSocket()) {
    const kind = info.isDirectory() ? "a directory" : info.isSymbolicLink() ? "a symbolic link" : info.isFile() ? "a regular file" : "not a socket";
    throw new SocketPathError(path, `${kind} is there; refusing to replace it (only a stale socket is removed)`);
  }
  if (await answers(path)) throw new SocketPathError(path, "a server is listening there; stop it or pick another path");
  await unlink(path).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw socketPathFailure(path, e);
  });
}
