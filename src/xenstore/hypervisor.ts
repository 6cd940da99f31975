/**
 * A model of the hypervisor side of domain lifecycle (docs/notes/xenstore.md §7): domains
 * that run, shut down, die and vanish; VIRQ_DOM_EXC raised on each state change; and the
 * two ways a toolstack asks what happened:
 *
 *   - legacy `getinfo(domid)` (xc_domain_getinfo, unstable libxenctrl), one domain a call;
 *   - `pollChangedDomain()` (XEN_DOMCTL_get_domain_state with DOMID_INVALID, Xen 4.21,
 *     stable libxenmanage): one *changed* domain a call, ENOENT (null) when none is left.
 *
 * Every query takes the global domctl lock for `queryCostNs`, and the lock counts calls
 * and hold time: that is the quantity the release-storm model compares.
 */

/** XEN_DOMCTL_GETDOMSTATE_STATE_* bits. */
export const DomainState = { EXIST: 1, SHUTDOWN: 2, DYING: 4, DEAD: 8 } as const;

export type Phase = "running" | "shutdown" | "dying" | "dead";

export interface DomainInfo {
  domid: number;
  /** DomainState bits; 0 for a domain that no longer exists. */
  state: number;
  /** Detects domid reuse (4.21): a new domain with an old domid has a new unique id. */
  uniqueId: bigint;
}

/** The global domctl lock: queries serialise on it. */
export class DomctlLock {
  constructor(public costNs: number) {}
  /** Queries taken, and the lock hold time they add up to. */
  queries = 0;
  holdNs = 0;
  take(): void {
    this.queries++;
    this.holdNs += this.costNs;
  }
}

interface HvDomain { phase: Phase; uniqueId: bigint }

export class Hypervisor {
  private readonly domains = new Map<number, HvDomain>();
  /** Domids whose state changed since last reported by pollChangedDomain (Xen's bitmap). */
  private readonly changed = new Set<number>();
  private nextUniqueId = 1n;
  readonly lock: DomctlLock;
  /** The VIRQ_DOM_EXC handler (bound by the store domain). */
  onVirqDomExc?: () => void;
  virqs = 0;

  constructor(queryCostNs = 1000) {
    this.lock = new DomctlLock(queryCostNs);
  }

  create(domid: number): void {
    if (this.domains.has(domid)) throw new Error(`hypervisor: dom${domid} exists`);
    this.domains.set(domid, { phase: "running", uniqueId: this.nextUniqueId++ });
    this.changed.add(domid);
  }

  exists(domid: number): boolean {
    return this.domains.has(domid);
  }

  /** Every domain and its phase, by domid (a debug view: takes no lock, counts no query). */
  list(): Array<{ domid: number; phase: Phase }> {
    return [...this.domains].sort(([a], [b]) => a - b).map(([domid, d]) => ({ domid, phase: d.phase }));
  }

  /** The guest finished shutting down (poweroff/reboot/crash/suspend). */
  shutdown(domid: number): void {
    this.transition(domid, "shutdown");
  }

  /** DOMCTL_destroydomain: dying, then (resources freed) dead and gone. */
  destroy(domid: number): void {
    this.transition(domid, "dying");
    this.domains.delete(domid);
    this.changed.add(domid);
    this.raiseVirq();
  }

  /** Legacy per-domain query: null for a domain that does not exist. */
  getinfo(domid: number): DomainInfo | null {
    this.lock.take();
    const d = this.domains.get(domid);
    return d ? { domid, state: stateBits(d.phase), uniqueId: d.uniqueId } : null;
  }

  /** Stable query of one changed domain; null = ENOENT, nothing left to report. */
  pollChangedDomain(): DomainInfo | null {
    this.lock.take();
    const next = this.changed.values().next();
    if (next.done) return null;
    const domid = next.value;
    this.changed.delete(domid);
    const d = this.domains.get(domid);
    return { domid, state: d ? stateBits(d.phase) : 0, uniqueId: d?.uniqueId ?? 0n };
  }

  private transition(domid: number, phase: Phase): void {
    const d = this.domains.get(domid);
    if (!d) throw new Error(`hypervisor: no dom${domid}`);
    d.phase = phase;
    this.changed.add(domid);
    if (phase === "shutdown") this.raiseVirq();
  }

  private raiseVirq(): void {
    this.virqs++;
    this.onVirqDomExc?.();
  }
}

function stateBits(phase: Phase): number {
  switch (phase) {
    case "running": return DomainState.EXIST;
    case "shutdown": return DomainState.EXIST | DomainState.SHUTDOWN;
    case "dying": return DomainState.EXIST | DomainState.DYING;
    case "dead": return DomainState.DEAD;
  }
}
