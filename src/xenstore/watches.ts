/**
 * Watches (docs/notes/xenstore.md §3): which registered watch sees which change, and the
 * path it is told. Kept free of connection state so the rules can be read in one place.
 */
import { depthBelow, isChildOf, relativeTo } from "./paths.js";

export interface Watch {
  /** Absolute path or special name (`@releaseDomain`, `@releaseDomain/5`). */
  path: string;
  token: string;
  /** Registered with a relative path: events are reported relative to the home. */
  relative: boolean;
  /** Xen 4.22 depth limit: 0 = the node only, 1 = + children…; undefined = unlimited. */
  depth?: number;
}

/**
 * How a node changed. `change`: written, created, perms set, or the root of a removal:
 * fires watches on the node and on every ancestor. `removed-descendant`: a node that
 * vanished because an ancestor was removed: fires only watches on exactly that node.
 */
export type ChangeKind = "change" | "removed-descendant";

/** The path to report to `watch` for a change of `path`, or null if it does not fire. */
export function matchNodeEvent(watch: Watch, path: string, kind: ChangeKind, home: string): string | null {
  if (watch.path.startsWith("@")) return null; // special watches see special events only
  if (kind === "removed-descendant") {
    if (watch.path !== path) return null;
  } else {
    if (!isChildOf(path, watch.path)) return null;
    if (watch.depth !== undefined && depthBelow(path, watch.path) > watch.depth) return null;
  }
  return watch.relative ? relativeTo(path, home) : path;
}

/**
 * A special event (`@introduceDomain` or `@releaseDomain`). With `domid` undefined it is
 * the plain event, reaching plain watchers (no depth) only; with a domid it is the
 * per-domain form `<name>/<domid>`, reaching depth-1 watchers of `<name>` and watchers of
 * exactly `<name>/<domid>` (C xenstored 4.22). Other depths never fire, as in C.
 */
export function matchSpecialEvent(watch: Watch, name: string, domid: number | undefined): string | null {
  if (domid === undefined) return watch.path === name && watch.depth === undefined ? name : null;
  const perDomain = `${name}/${domid}`;
  if (watch.path === name && watch.depth === 1) return perDomain;
  if (watch.path === perDomain) return perDomain;
  return null;
}
