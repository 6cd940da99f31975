/**
 * The node tree. Nodes live in a flat map keyed by absolute path; every change stamps
 * the node with a fresh generation number, which is what transactions compare on commit
 * (C xenstored's per-node generation counts, research/xenstore.md §4).
 *
 * Tree operations are written against `NodeAccess` so the same code mutates the global
 * store directly or a transaction's private overlay (transactions.ts).
 */
import type { Perm } from "./permissions.js";
import { baseName, joinPath, parentOf } from "./paths.js";

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
  /** Stores a new version of the node (the generation is assigned by the store). */
  put(path: string, node: XsNode): void;
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

export const EMPTY = new Uint8Array(0);

/** The global store. Tracks how many nodes each domain owns (the `nodes` quota). */
export class Store implements NodeAccess {
  private readonly nodes = new Map<string, XsNode>();
  private generationCounter = 0;
  private readonly owned = new Map<number, number>();

  /** C xenstored's initial tree: `/`, `/tool`, `/tool/xenstored`, all `n<priv>`. */
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
    const old = this.nodes.get(path);
    if (old) this.countOwner(old.perms[0]!.domid, -1);
    this.nodes.set(path, { ...node, generation: ++this.generationCounter });
    this.countOwner(node.perms[0]!.domid, +1);
  }

  remove(path: string): void {
    const old = this.nodes.get(path);
    if (!old) return;
    this.countOwner(old.perms[0]!.domid, -1);
    this.nodes.delete(path);
    // A deletion is a change too: anything that recorded this node must see it differ.
    this.generationCounter++;
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
 * Creates `path` and any missing parents with empty values. Each new node inherits its
 * parent's permissions; an unprivileged creator becomes the owner (entry 0) of what it
 * creates. Returns the created paths, outermost first.
 */
export function createNodes(view: NodeAccess, path: string, creator: { domid: number; privileged: boolean }): string[] {
  const created = missingAncestry(view, path);
  for (const p of created) {
    const parentPath = parentOf(p)!;
    const parent = view.get(parentPath)!;
    let perms = parent.perms;
    if (!creator.privileged) perms = [{ access: perms[0]!.access, domid: creator.domid }, ...perms.slice(1)];
    view.put(p, { value: EMPTY, perms, children: [], generation: 0 });
    view.put(parentPath, { ...parent, children: [...parent.children, baseName(p)] });
  }
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

/** All paths of the subtree rooted at `path`, the root first (depth-first). */
export function subtree(view: NodeAccess, path: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const n = view.get(p);
    if (!n) return;
    out.push(p);
    for (const c of n.children) walk(joinPath(p, c));
  };
  walk(path);
  return out;
}

/**
 * Removes `path` and its subtree and unlinks it from its parent. Returns the removed
 * paths with their last permissions (watch events of removed nodes are filtered on them).
 */
export function removeTree(view: NodeAccess, path: string): Array<{ path: string; perms: readonly Perm[] }> {
  const removed = subtree(view, path).map((p) => ({ path: p, perms: view.get(p)!.perms }));
  // Children first, so the store never holds an orphan whose parent is gone.
  for (let i = removed.length - 1; i >= 0; i--) view.remove(removed[i]!.path);
  const parentPath = parentOf(path);
  if (parentPath !== null) {
    const parent = view.get(parentPath);
    const name = baseName(path);
    if (parent) view.put(parentPath, { ...parent, children: parent.children.filter((c) => c !== name) });
  }
  return removed;
}
