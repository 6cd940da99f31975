/**
 * Transactions, C xenstored style (research/xenstore.md §4): a transaction works on a
 * private overlay of the store and records, at first access, the generation of every
 * node it reads or writes — including reads that found nothing, and parents whose child
 * list it changed. Commit fails with EAGAIN if any recorded node changed meanwhile;
 * otherwise the overlay replaces the global nodes. Watch events are held until commit.
 */
import type { Perm } from "./permissions.js";
import type { NodeAccess, Store, XsNode } from "./store.js";
import type { ChangeKind } from "./watches.js";

/** A watch event held until commit. */
export interface PendingEvent {
  path: string;
  kind: ChangeKind;
  /** Permission lists of which the watcher must be able to read at least one (node, parent…). */
  readable: ReadonlyArray<readonly Perm[]>;
}

export class Transaction implements NodeAccess {
  /** Generation of each accessed node at first access; -1 = it did not exist. */
  private readonly seen = new Map<string, number>();
  /** Private copies; null = deleted inside the transaction. */
  private readonly local = new Map<string, XsNode | null>();
  /** Events to fire on commit, in access order. */
  readonly events: PendingEvent[] = [];
  /** Change in nodes owned, per domain, for the `nodes` quota. */
  readonly ownedDelta = new Map<number, number>();
  /** Set when a request inside failed half-way: commit answers ENOMEM (C). */
  failed = false;

  constructor(readonly id: number, private readonly store: Store) {}

  /** Nodes accessed so far (the `transaction-nodes` quota). */
  get accessed(): number {
    return this.seen.size;
  }

  get(path: string): XsNode | undefined {
    const mine = this.local.get(path);
    if (mine !== undefined) return mine ?? undefined;
    this.record(path);
    return this.store.get(path);
  }

  put(path: string, node: XsNode): void {
    const before = this.get(path);
    if (before) this.count(before.perms[0]!.domid, -1);
    this.count(node.perms[0]!.domid, +1);
    this.local.set(path, node);
  }

  remove(path: string): void {
    const before = this.get(path);
    if (before) this.count(before.perms[0]!.domid, -1);
    this.local.set(path, null);
  }

  /** Whether anything this transaction accessed changed in the global store. */
  conflicts(): boolean {
    for (const [path, gen] of this.seen) if (this.store.generationOf(path) !== gen) return true;
    return false;
  }

  /** Copies the overlay into the global store (call only when !conflicts()). */
  apply(): void {
    for (const [path, node] of this.local) {
      if (node === null) this.store.remove(path);
      else this.store.put(path, node);
    }
  }

  private record(path: string): void {
    if (!this.seen.has(path)) this.seen.set(path, this.store.generationOf(path));
  }

  private count(domid: number, delta: number): void {
    this.ownedDelta.set(domid, (this.ownedDelta.get(domid) ?? 0) + delta);
  }
}
