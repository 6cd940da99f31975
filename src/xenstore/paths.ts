/**
 * Xenstore path rules (docs/notes/xenstore.md §1.5): which strings are valid paths, how a
 * relative path resolves against a connection's home, and the "child of" relation that
 * watch matching uses.
 */
import { ABS_PATH_MAX, INTRODUCE_DOMAIN, RELEASE_DOMAIN } from "./constants.js";

const VALID_CHARS = /^[A-Za-z0-9\-/_@]*$/;

/** `/local/domain/<domid>`: a domain's home, where its relative paths land. */
export function domainPath(domid: number): string {
  return `/local/domain/${domid}`;
}

export function isSpecial(path: string): boolean {
  return path.startsWith("@");
}

/** The special names a client may use: `@introduceDomain`, `@releaseDomain`, and their `/<domid>` forms. */
export function isValidSpecial(path: string): boolean {
  for (const base of [INTRODUCE_DOMAIN, RELEASE_DOMAIN]) {
    if (path === base) return true;
    if (path.startsWith(base + "/")) return /^\d{1,5}$/.test(path.slice(base.length + 1));
  }
  return false;
}

/**
 * Turns a request's path into an absolute one, or null if it is invalid (→ EINVAL).
 * Relative paths (no leading `/` or `@`) are prefixed with `home + "/"`; the empty
 * string therefore ends in `/` and is rejected, as C xenstored does.
 */
export function canonicalize(path: string, home: string, allowSpecial: boolean): string | null {
  if (isSpecial(path)) return allowSpecial && isValidSpecial(path) ? path : null;
  const abs = path.startsWith("/") ? path : `${home}/${path}`;
  return isValidAbsolute(abs) ? abs : null;
}

export function isValidAbsolute(path: string): boolean {
  if (!path.startsWith("/")) return false;
  if (path.length > ABS_PATH_MAX) return false;
  if (!VALID_CHARS.test(path)) return false;
  if (path === "/") return true;
  if (path.endsWith("/")) return false;
  if (path.includes("//")) return false;
  // '@' only starts special names; inside an absolute path C rejects nothing more, but a
  // node named '@x' would be ambiguous with special paths in `xenstore-ls`, so allow it as C does.
  return true;
}

/** `/a/b` → `/a`; `/a` → `/`; `/` → null. */
export function parentOf(path: string): string | null {
  if (path === "/") return null;
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** The last component: `/a/b` → `b`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(parent: string, child: string): string {
  return parent === "/" ? `/${child}` : `${parent}/${child}`;
}

/**
 * Watch matching: `path` is a child of `ancestor` if equal, if `ancestor` is `/`
 * (for non-special paths), or if `ancestor + "/"` is a prefix.
 */
export function isChildOf(path: string, ancestor: string): boolean {
  if (path === ancestor) return true;
  if (ancestor === "/") return !isSpecial(path);
  return path.startsWith(ancestor + "/");
}

/** Levels of `path` below `ancestor` (0 when equal); assumes isChildOf(path, ancestor). */
export function depthBelow(path: string, ancestor: string): number {
  if (path === ancestor) return 0;
  const rest = ancestor === "/" ? path.slice(1) : path.slice(ancestor.length + 1);
  return rest.split("/").length;
}

/** The path as a client with this home should see it in a watch event. */
export function relativeTo(path: string, home: string): string {
  return path.startsWith(home + "/") ? path.slice(home.length + 1) : path;
}
