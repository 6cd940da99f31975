/**
 * The node tree. Nodes live in a flat map keyed by absolute path. One global generation
 * count, as C xenstored 4.17 keeps it (tools/xenstore/xenstored_transaction.c, the
 * comment at its top): every node write or delete, every transaction start and every
 * node a commit copies takes the next value. Transactions compare a node's generation on
 * commit (docs/notes/xenstore.md §4), and DIRECTORY_PART reports it, so the numbers a
 * client sees match C's for the same request sequence.
 *
 * Tree operations are written against `NodeAccess` so the same code mutates the global
 * store directly or a transaction's private overlay (transactions.ts).
 */
import type { Perm } from "./permissions.js";
import { baseName, joinPath, parentOf } from "./paths.js";
import { joinStrings } from "./codec.js";

export interface XsNode {
  /** Raw bytes; may contain NULs. */
  readonly value: Uint8Array;
  readonly perms: readonly Perm[];
  /** Child names in creation order (C appends to the child list). */
  readonly children: readonly string[];
  /** Stamp of the last change; 0 before the node is stored. */
  readonly generation: number;
}

/** Read and write nodes by absolute path: the global store or a transaction's view. */
export interface NodeAccess {
  get(path: string): XsNode | undefined;
  /**
   * Stores a new version of the node and gives it the next generation. The node object is
   * taken over (its generation is stamped in place, sparing a copy per write): always pass
   * a fresh object, never one read back from a view.
   */
  put(path: string, node: XsNode): void;
  /** Deletes the node; a deletion takes a generation too. */
  remove(path: string): void;
}

/**
 * The size C xenstored charges against the `node-size` quota: a 20-byte record header
 * (generation u64, num_perms, datalen, childlen u32), 8 bytes per permission, the value
 * and the NUL-terminated child names. The 20 reproduces the measured limit of §5: under a
 * node with 2 perms, 424 children `n0…n423` fit (2010 + 36 ≤ 2048) and the 425th does not.
 */
export const NODE_HEADER_BYTES = 20;
export function nodeSize(node: Pick<XsNode, "value" | "perms" | "children">): number {
  let childBytes = 0;
  for (const c of node.children) childBytes += c.length + 1;
  return NODE_HEADER_BYTES + node.perms.length * 8 + node.value.length + childBytes;
}

export const EMPTY: Uint8Array = new Uint8Array(0);

/** Sets the generation of a node being stored (see NodeAccess.put: the object is fresh). */
export function stamp(node: XsNode, generation: number): void {
  (node as { generation: number }).generation = generation;
}

/** DIRECTORY's reply for each node version: a node's child list never changes in place, so it is built once. */
const childListCache = new WeakMap<XsNode, Uint8Array>();

/** The node's child names, each NUL-terminated (the DIRECTORY reply). */
export function childListBytes(node: XsNode): Uint8Array {
  let out = childListCache.get(node);
  if (!out) {
    out = joinStrings(node.children);
    childListCache.set(node, out);
  }
  return out;
}

/** The global store. Tracks how many nodes each domain owns (the `nodes` quota). */
export class Store implements NodeAccess {
  private readonly nodes = new Map<string, XsNode>();
  private generationCounter = 0;
  private readonly owned = new Map<number, number>();

  /** C xenstored's initial tree: `/`, `/tool`, `/tool/xenstored`, all `n<priv>` (generations 1–3, as C). */
  constructor(privDomid = 0) {
    const perms: Perm[] = [{ access: "n", domid: privDomid }];
    this.put("/", { value: EMPTY, perms, children: ["tool"], generation: 0 });
    this.put("/tool", { value: EMPTY, perms, children: ["xenstored"], generation: 0 });
    this.put("/tool/xenstored", { value: EMPTY, perms, children: [], generation: 0 });
  }

  get(path: string): XsNode | undefined {
    return this.nodes.get(path);
  }

  put(path: string, node: XsNode): void {
    stamp(node, this.nextGeneration());
    this.install(path, node);
  }

  remove(path: string): void {
    // A deletion is a change too: anything that recorded this node must see it differ.
    this.nextGeneration();
    this.drop(path);
  }

  /** Takes the next value of the global generation count. */
  nextGeneration(): number {
    return ++this.generationCounter;
  }

  /**
   * A committing transaction's version of a node: stored with the next generation, or
   * (null) deleted without taking one, as C's commit does.
   */
  commit(path: string, node: XsNode | null): void {
    if (node) this.put(path, node);
    else this.drop(path);
  }

  private install(path: string, node: XsNode): void {
    const old = this.nodes.get(path);
    if (old) this.countOwner(old.perms[0]!.domid, -1);
    this.nodes.set(path, node);
    this.countOwner(node.perms[0]!.domid, +1);
  }

  private drop(path: string): void {
    const old = this.nodes.get(path);
    if (!old) return;
    this.countOwner(old.perms[0]!.domid, -1);
    this.nodes.delete(path);
  }

  /** The generation a transaction compares against; -1 for a missing node. */
  generationOf(path: string): number {
    return this.nodes.get(path)?.generation ?? -1;
  }

  ownedBy(domid: number): number {
    return this.owned.get(domid) ?? 0;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** All paths, in map order (for domain teardown and debugging dumps). */
  paths(): IterableIterator<string> {
    return this.nodes.keys();
  }

  private countOwner(domid: number, delta: number): void {
    const n = (this.owned.get(domid) ?? 0) + delta;
    if (n === 0) this.owned.delete(domid);
    else this.owned.set(domid, n);
  }
}

// ── Tree operations over any NodeAccess ──────────────────────────────────────────

/** Nodes that must be created (outermost first) for `path` to exist. */
export function missingAncestry(view: NodeAccess, path: string): string[] {
  const missing: string[] = [];
  let p: string | null = path;
  while (p !== null && view.get(p) === undefined) {
    missing.unshift(p);
    p = parentOf(p);
  }
  return missing;
}

/** The nearest existing node at or above `path` (the root always exists). */
export function nearestExisting(view: NodeAccess, path: string): { path: string; node: XsNode } {
  let p: string | null = path;
  while (p !== null) {
    const n = view.get(p);
    if (n) return { path: p, node: n };
    p = parentOf(p);
  }
  throw new Error("xenstore: the root node is missing");
}

/**
 * Creates `path` with `value`, and any missing parents empty. Each new node inherits its
 * parent's permissions; an unprivileged creator becomes the owner (entry 0) of what it
 * creates. Written bottom-up like C's create_node — the new leaf, its new parents, then
 * the existing ancestor with one more child — one write (one generation) each.
 * Returns the created paths, outermost first.
 */
export function createNodes(view: NodeAccess, path: string, creator: { domid: number; privileged: boolean }, value: Uint8Array): string[] {
  const created = missingAncestry(view, path);
  if (created.length === 0) return created;
  const ancestorPath = parentOf(created[0]!)!;
  const ancestor = view.get(ancestorPath)!;
  let perms = ancestor.perms;
  if (!creator.privileged) perms = [{ access: perms[0]!.access, domid: creator.domid }, ...perms.slice(1)];
  for (let i = created.length - 1; i >= 0; i--) {
    const below = created[i + 1];
    view.put(created[i]!, { value: below ? EMPTY : value, perms, children: below ? [baseName(below)] : [], generation: 0 });
  }
  view.put(ancestorPath, { ...ancestor, children: [...ancestor.children, baseName(created[0]!)] });
  return created;
}

export function setValue(view: NodeAccess, path: string, value: Uint8Array): void {
  const node = view.get(path)!;
  view.put(path, { ...node, value });
}

export function setPerms(view: NodeAccess, path: string, perms: Perm[]): void {
  const node = view.get(path)!;
  view.put(path, { ...node, perms });
}

/** A node removed by `removeTree`, with its last permissions (watch events are filtered on them). */
export interface RemovedNode {
  path: string;
  perms: readonly Perm[];
}

/**
 * A child list and the nodes disagree: a listed child is missing, or a node is missing
 * from its parent's list. The global store is never so; a transaction can be, when its
 * copies and the nodes it reads live were taken at different times.
 */
export class StaleChildListError extends Error {
  constructor(readonly path: string) {
    super(`xenstore: child lists disagree about ${path}`);
  }
}

/**
 * Removes `path` and its subtree the way C's rm walks it: children depth-first, each
 * deleted node then unlinked from its parent with one more write of the parent, `path`
 * itself last, then its parent's child list rewritten. Returns the removed nodes in that
 * order (`path` last) — the order C fires their watch events in. Child lists that
 * disagree with the nodes stop the walk with StaleChildListError, what was removed before
 * staying removed (C answers EIO then).
 */
export function removeTree(view: NodeAccess, path: string): RemovedNode[] {
  const removed: RemovedNode[] = [];
  const drop = (p: string): void => {
    let node = view.get(p)!;
    for (const child of node.children) {
      const childPath = joinPath(p, child);
      if (!view.get(childPath)) throw new StaleChildListError(childPath);
      drop(childPath);
      node = { ...node, children: withoutChild(node.children, child) };
      view.put(p, node);
    }
    removed.push({ path: p, perms: node.perms });
    view.remove(p);
  };
  drop(path);
  const parentPath = parentOf(path);
  const parent = parentPath === null ? undefined : view.get(parentPath);
  if (parent) {
    if (!parent.children.includes(baseName(path))) throw new StaleChildListError(path);
    view.put(parentPath!, { ...parent, children: withoutChild(parent.children, baseName(path)) });
  }
  return removed;
}

function withoutChild(children: readonly string[], name: string): string[] {
  const i = children.indexOf(name);
  return [...children.slice(0, i), ...children.slice(i + 1)];
}
