/**
 * Which hypervisor interfaces each design needs, in which component, with which
 * privilege, and whether each is stable (docs/notes/xenstore.md §7.3, §7.4, §12). The point
 * of the new designs is that xenstored (possibly a stub domain) runs on stable interfaces
 * only, so one binary works across Xen versions; `xenmm xenstored --interfaces` and
 * `CONTROL interfaces` print this record, with the calls the server really made.
 *
 *   legacy     xenstored binds VIRQ_DOM_EXC and asks Xen about every domain (unstable
 *              getdomaininfo); listeners get a bare @releaseDomain and ask Xen again.
 *   new        xenstored binds VIRQ_DOM_EXC and drains the stable changed-domain list
 *              (XEN_DOMCTL_get_domain_state, Xen 4.21); listeners get @releaseDomain/<domid>.
 *   toolstack  the toolstack binds VIRQ_DOM_EXC and drains the changed-domain list, then
 *              tells xenstored with XS_RELEASE — symmetric with XS_INTRODUCE; xenstored
 *              needs no domain-state interface and no VIRQ at all.
 */

export const DESIGNS = ["legacy", "new", "toolstack"] as const;
export type Design = (typeof DESIGNS)[number];
export type InterfaceRole = "ring mapping" | "domain state" | "event channels" | "death notice";
export type Component = "xenstored" | "toolstack" | "listeners";

export interface InterfaceUse {
  component: Component;
  role: InterfaceRole;
  name: string;
  library: string;
  stable: boolean;
  /** What the component must be allowed to do for it. */
  privilege: string;
}

const GRANT_MAPPING: InterfaceUse = {
  component: "xenstored", role: "ring mapping", name: "grant reference 1, GNTTAB_RESERVED_XENSTORE (xengnttab_map_grant_ref)",
  library: "libxengnttab", stable: true, privilege: "none beyond the guest's grant",
};
const INTERDOMAIN = (component: Component, virq: boolean): InterfaceUse => ({
  component, role: "event channels", name: virq ? "interdomain bind + VIRQ_DOM_EXC" : "interdomain bind",
  library: "libxenevtchn", stable: true, privilege: virq ? "the one domain allowed to bind VIRQ_DOM_EXC" : "none",
});
const CHANGED_DOMAINS = (component: Component): InterfaceUse => ({
  component, role: "domain state", name: "XEN_DOMCTL_get_domain_state, changed-domain polling (xenmanage_poll_changed_domain)",
  library: "libxenmanage", stable: true, privilege: "the VIRQ_DOM_EXC binder (others get EACCES)",
});
const PER_DOMAIN_EVENT: InterfaceUse = {
  component: "listeners", role: "death notice", name: "WATCH @releaseDomain/<domid> (or depth 1), no hypercall",
  library: "libxenstore", stable: true, privilege: "read on @releaseDomain (all domains, Xen 4.22)",
};

/** The interfaces each design uses, component by component. */
export const INTERFACES: Readonly<Record<Design, readonly InterfaceUse[]>> = {
  legacy: [
    { component: "xenstored", role: "ring mapping", name: "foreign mapping of the INTRODUCE gfn (xc_map_foreign_range)", library: "libxenctrl", stable: false, privilege: "map any guest's memory (control domain)" },
    { component: "xenstored", role: "domain state", name: "XEN_DOMCTL_getdomaininfo for every domain (xc_domain_getinfo)", library: "libxenctrl", stable: false, privilege: "domctl on every domain (control domain)" },
    INTERDOMAIN("xenstored", true),
    { component: "listeners", role: "death notice", name: "plain @releaseDomain, then getdomaininfo for every domain (xc_domain_getinfolist)", library: "libxenctrl", stable: false, privilege: "domctl/sysctl on every domain (control domain)" },
  ],
  new: [GRANT_MAPPING, CHANGED_DOMAINS("xenstored"), INTERDOMAIN("xenstored", true), PER_DOMAIN_EVENT],
  toolstack: [
    GRANT_MAPPING, INTERDOMAIN("xenstored", false),
    INTERDOMAIN("toolstack", true), CHANGED_DOMAINS("toolstack"),
    { component: "toolstack", role: "death notice", name: "XS_RELEASE <domid> to xenstored (as XS_INTRODUCE at creation)", library: "libxenstore", stable: true, privilege: "privileged xenstore connection (it already has one for INTRODUCE)" },
    PER_DOMAIN_EVENT,
  ],
};

/** Records interfaces as the server (and the toolstack beside it) actually call them. */
export class InterfaceLog {
  private readonly calls = new Map<string, number>();
  constructor(readonly design: Design) {}

  use(role: InterfaceRole, component: Component = "xenstored"): void {
    const key = `${component}/${role}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  /** The design's interfaces with how often each was called. */
  entries(): Array<InterfaceUse & { calls: number }> {
    return INTERFACES[this.design].map((i) => ({ ...i, calls: this.calls.get(`${i.component}/${i.role}`) ?? 0 }));
  }

  /** xenstored itself uses stable interfaces only (the stub-domain question). */
  stableOnly(): boolean {
    return INTERFACES[this.design].every((i) => i.component !== "xenstored" || i.stable);
  }

  /** Human-readable report: one line per component and role. */
  report(): string {
    const lines = [`design: ${this.design}`];
    for (const e of this.entries()) {
      lines.push(`${e.component} ${e.role}: ${e.name} [${e.library}, ${e.stable ? "stable" : "UNSTABLE"}] privilege: ${e.privilege}; calls=${e.calls}`);
    }
    lines.push(`stable interfaces only: ${this.stableOnly() ? "yes" : "no"}`);
    const unstable = INTERFACES[this.design].filter((i) => !i.stable).map((i) => i.component);
    lines.push(`unstable interfaces needed by: ${unstable.length === 0 ? "nobody" : [...new Set(unstable)].join(", ")}`);
    return lines.join("\n");
  }
}
