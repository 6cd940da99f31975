/**
 * Which hypervisor interfaces the server used, and whether each is stable
 * (research/xenstore.md §7.3, §12). The point of the new design is that a xenstored
 * (possibly a stub domain) runs on stable interfaces only, so one binary works across
 * Xen versions; `xenmm xenstored --interfaces` and `CONTROL interfaces` print this record.
 */

export type Design = "legacy" | "new";
export type InterfaceRole = "ring mapping" | "domain state" | "event channels";

export interface InterfaceUse {
  role: InterfaceRole;
  name: string;
  library: string;
  stable: boolean;
}

/** The interfaces each design uses, role by role. */
export const INTERFACES: Readonly<Record<Design, readonly InterfaceUse[]>> = {
  legacy: [
    { role: "ring mapping", name: "foreign mapping of the INTRODUCE gfn (xc_map_foreign_range)", library: "libxenctrl", stable: false },
    { role: "domain state", name: "XEN_DOMCTL_getdomaininfo for every domain (xc_domain_getinfo)", library: "libxenctrl", stable: false },
    { role: "event channels", name: "interdomain bind + VIRQ_DOM_EXC", library: "libxenevtchn", stable: true },
  ],
  new: [
    { role: "ring mapping", name: "grant reference 1, GNTTAB_RESERVED_XENSTORE (xengnttab_map_grant_ref)", library: "libxengnttab", stable: true },
    { role: "domain state", name: "XEN_DOMCTL_get_domain_state, changed-domain polling (xenmanage_poll_changed_domain)", library: "libxenmanage", stable: true },
    { role: "event channels", name: "interdomain bind + VIRQ_DOM_EXC", library: "libxenevtchn", stable: true },
  ],
};

/** Records interfaces as the server actually calls them. */
export class InterfaceLog {
  private readonly used = new Map<string, InterfaceUse & { calls: number }>();
  constructor(readonly design: Design) {}

  use(role: InterfaceRole): void {
    const spec = INTERFACES[this.design].find((i) => i.role === role)!;
    const entry = this.used.get(role) ?? { ...spec, calls: 0 };
    entry.calls++;
    this.used.set(role, entry);
  }

  entries(): Array<InterfaceUse & { calls: number }> {
    return [...this.used.values()];
  }

  /** Every interface of the design is stable (used or declared). */
  stableOnly(): boolean {
    return INTERFACES[this.design].every((i) => i.stable);
  }

  /** Human-readable report: one line per role. */
  report(): string {
    const lines = [`design: ${this.design}`];
    for (const spec of INTERFACES[this.design]) {
      const calls = this.used.get(spec.role)?.calls ?? 0;
      lines.push(`${spec.role}: ${spec.name} [${spec.library}, ${spec.stable ? "stable" : "UNSTABLE"}] calls=${calls}`);
    }
    lines.push(`stable interfaces only: ${this.stableOnly() ? "yes" : "no"}`);
    return lines.join("\n");
  }
}
