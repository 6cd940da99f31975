/**
 * The server's table of introduced domains (docs/notes/xenstore.md §7.5): for each, the
 * ring it was introduced with, its connection (if a ring transport attached one), the
 * edge-triggered "shutdown already announced" flag, features and SET_TARGET.
 */
import type { Connection } from "./connection.js";

export interface Domain {
  domid: number;
  /** INTRODUCE's gfn: used by the legacy (foreign-mapping) design, ignored by grant mapping. */
  gfn: bigint;
  evtchn: number;
  /** Set once @releaseDomain announced this domain's shutdown; XS_RESUME clears it. */
  shutdownNotified: boolean;
  /** Feature bits (server_features on the ring). */
  features: number;
  target?: number;
  /** Unique id reported by the hypervisor at introduction (detects domid reuse). */
  uniqueId?: bigint;
  conn?: Connection;
}

/** Carries a guest's ring to and from the server: a transport supplies it. */
export interface RingProvider {
  /** Map the guest's ring and return its connection, or null if the guest has no ring here. */
  attach(domain: Domain): Connection | null;
  /** Re-INTRODUCE of a known domain: reset its ring and connection. */
  reconnect?(domain: Domain): void;
  /** Unmap the ring and stop serving it. */
  detach(domain: Domain): void;
}

export class DomainTable {
  private readonly domains = new Map<number, Domain>();
  /** SET_FEATURE before INTRODUCE is kept here until the domain arrives. */
  readonly pendingFeatures = new Map<number, number>();

  get(domid: number): Domain | undefined {
    return this.domains.get(domid);
  }

  has(domid: number): boolean {
    return this.domains.has(domid);
  }

  add(d: Domain): void {
    this.domains.set(d.domid, d);
  }

  delete(domid: number): void {
    this.domains.delete(domid);
  }

  all(): Domain[] {
    return [...this.domains.values()];
  }

  get size(): number {
    return this.domains.size;
  }
}
