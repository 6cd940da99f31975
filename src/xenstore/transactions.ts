/**
 * Transactions as C xenstored 4.17 runs them (docs/notes/xenstore.md §4): the first access
 * of a node takes a private copy of it (or of its absence), and every later request of
 * the transaction sees that copy, whatever other connections do meanwhile — reads are
 * repeatable. A node whose first access was a read is checked at commit: if its global
 * generation changed (written, created, deleted), the commit fails with EAGAIN.
 * Otherwise the modified copies replace the global nodes in first-access order, and the
 * watch events held since then fire, one per node, in that order.
 */
import type { Perm } from "./permissions.js";
import { stamp, type NodeAccess, type Store, type XsNode } from "./store.js";
import type { ChangeKind } from "./watches.js";

/** A watch event held until commit. */
export interface PendingEvent {
  path: string;
  kind: ChangeKind;
  /** Permission lists of which the watcher must be able to read at least one (node, parent…). */
  readable: ReadonlyArray<readonly Perm[]>;
}

/** What the transaction knows of one node it accessed. */
interface Accessed {
  /** Global generation when first accessed by a read (-1: missing); null: first access was a write. */
  readGeneration: number | null;
  /** The transaction's copy; null = absent (never existed, or deleted inside). */
  node: XsNode | null;
  modified: boolean;
  event?: PendingEvent;
}

export class Transaction implements NodeAccess {
  /** Every node accessed, in first-access order (the order commit writes and fires in). */
  private readonly accessedNodes = new Map<string, Accessed>();
  /** Change in nodes owned, per domain, for the `nodes` quota. */
  readonly ownedDelta = new Map<number, number>();
  /** Set when a request inside failed half-way: commit answers ENOMEM (C). */
  failed = false;

  constructor(readonly id: number, private readonly store: Store) {
    store.nextGeneration(); // a transaction start takes a generation (C)
  }

  /** Nodes accessed so far (the `transaction-nodes` quota). */
  get accessed(): number {
    return this.accessedNodes.size;
  }

  /** What the transaction would read, without recording an access. */
  peek(path: string): XsNode | undefined {
    const mine = this.accessedNodes.get(path);
    return mine ? mine.node ?? undefined : this.store.get(path);
  }

  get(path: string): XsNode | undefined {
    const mine = this.accessedNodes.get(path);
    if (mine) return mine.node ?? undefined;
    const node = this.store.get(path);
    this.accessedNodes.set(path, { readGeneration: node?.generation ?? -1, node: node ?? null, modified: false });
    return node;
  }

  put(path: string, node: XsNode): void {
    const a = this.access(path);
    if (a.node) this.count(a.node.perms[0]!.domid, -1);
    this.count(node.perms[0]!.domid, +1);
    stamp(node, this.store.nextGeneration());
    a.node = node;
    a.modified = true;
  }

  remove(path: string): void {
    const a = this.access(path);
    if (a.node) this.count(a.node.perms[0]!.domid, -1);
    this.store.nextGeneration();
    a.node = null;
    a.modified = true;
  }

  /**
   * Holds a watch event for `ev.path` (already accessed). One event per node: an event
   * on the node and its ancestors replaces one on the node only, not the other way round.
   */
  hold(ev: PendingEvent): void {
    const a = this.access(ev.path);
    if (!a.event || (a.event.kind === "removed-descendant" && ev.kind === "change")) a.event = ev;
  }

  /**
   * The held events, in first-access order of their nodes. A node that did not exist at
   * its first access and does not exist at the end (created and removed inside) fires
   * nothing: C has neither its old permissions nor the node to check a watcher against.
   */
  events(): PendingEvent[] {
    const out: PendingEvent[] = [];
    for (const a of this.accessedNodes.values()) {
      if (a.event && (a.readGeneration !== -1 || a.node)) out.push(a.event);
    }
    return out;
  }

  /** Whether a node this transaction read first changed in the global store. */
  conflicts(): boolean {
    for (const [path, a] of this.accessedNodes) {
      if (a.readGeneration !== null && this.store.generationOf(path) !== a.readGeneration) return true;
    }
    return false;
  }

  /** Copies the modified nodes into the global store (call only when !conflicts()). */
  apply(): void {
    for (const [path, a] of this.accessedNodes) if (a.modified) this.store.commit(path, a.node);
  }

  private access(path: string): Accessed {
    let a = this.accessedNodes.get(path);
    if (!a) {
      a = { readGeneration: null, node: this.store.get(path) ?? null, modified: false };
      this.accessedNodes.set(path, a);
    }
    return a;
  }

  private count(domid: number, delta: number): void {
    this.ownedDelta.set(domid, (this.ownedDelta.get(domid) ?? 0) + delta);
  }
}
