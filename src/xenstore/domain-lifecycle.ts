/**
 * Domains going away: the teardown of a dead domain, and the VIRQ_DOM_EXC scan that finds
 * which domains changed (legacy: ask about each; new: drain the changed-domain list).
 */
import { RELEASE_DOMAIN } from "./constants.js";
import type { Domain } from "./domains.js";
import { fireNode, fireSpecial, removalEvents } from "./events.js";
import { DomainState } from "./hypervisor.js";
import type { XenstoreServer } from "./server.js";
import { removeTree } from "./store.js";

/**
 * Tears a domain down: its watches first (so deleting its nodes does not wake it), its
 * ring, every node it owns (with watch events), then `@releaseDomain/<domid>`.
 * The plain `@releaseDomain` is the caller's: one per scan, or per RELEASE.
 */
export function destroyDomain(s: XenstoreServer, domid: number): void {
  const domain = s.domains.get(domid);
  if (!domain) return;
  if (domain.conn) {
    domain.conn.discard();
    s.connections.delete(domain.conn);
    domain.conn.closed = true;
  }
  s.ringProvider?.detach(domain);
  s.domains.delete(domid);
  s.quotas.dropDomain(domid);
  s.memory.dropDomain(domid);
  for (const path of [...s.store.paths()]) {
    const node = s.store.get(path);
    if (!node || node.perms[0]!.domid !== domid || path === "/") continue;
    for (const ev of removalEvents(s.store, path, removeTree(s.store, path))) fireNode(s, ev);
  }
  // Xen 4.22: permission entries naming the dead domain are dropped, so a later domain
  // that reuses the domid inherits nothing.
  for (const path of [...s.store.paths()]) {
    const node = s.store.get(path)!;
    if (node.perms.some((p, i) => i > 0 && p.domid === domid))
      s.store.put(path, { ...node, perms: node.perms.filter((p, i) => i === 0 || p.domid !== domid) });
  }
  s.log("info", `released dom${domid}`);
  fireSpecial(s, RELEASE_DOMAIN, domid);
}

/**
 * VIRQ_DOM_EXC: find out which domains changed. Legacy asks the hypervisor about every
 * known domain; the new design drains the changed-domain list. A shutdown is announced
 * once per domain (edge-triggered); a dead domain is torn down; the scan ends with one
 * plain `@releaseDomain` if anything happened.
 */
export function scanDomainStates(s: XenstoreServer): void {
  const hv = s.hypervisor;
  if (!hv) return;
  let notify = false;
  const look = (domain: Domain, state: number) => {
    if (state === 0 || state & (DomainState.DYING | DomainState.DEAD)) {
      s.destroyDomain(domain.domid);
      notify = true;
    } else if (state & DomainState.SHUTDOWN && !domain.shutdownNotified) {
      domain.shutdownNotified = true;
      fireSpecial(s, RELEASE_DOMAIN, domain.domid);
      notify = true;
    }
  };
  if (s.interfaces.design === "legacy") {
    for (const domain of s.domains.all()) {
      s.interfaces.use("domain state");
      look(domain, hv.getinfo(domain.domid)?.state ?? 0);
    }
  } else {
    for (;;) {
      s.interfaces.use("domain state");
      const info = hv.pollChangedDomain();
      if (!info) break;
      const domain = s.domains.get(info.domid);
      if (domain) look(domain, info.state);
    }
  }
  if (notify) fireSpecial(s, RELEASE_DOMAIN, undefined);
}
