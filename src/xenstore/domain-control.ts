/**
 * `CONTROL domain …`: drives the hypervisor model of a running server from outside, so
 * domains introduced over the unix socket can shut down and die, and real clients see
 * `@releaseDomain` (issue 11 §4). C xenstored keeps its debug commands behind CONTROL
 * too (`xenstore-control`); these are this model's, not C's.
 *
 *   domain create <domid>     the domain exists in Xen (the toolstack then INTRODUCEs it)
 *   domain shutdown <domid>   it finished shutting down: VIRQ_DOM_EXC
 *   domain destroy <domid>    DOMCTL_destroydomain: dying, then gone: VIRQ_DOM_EXC
 *   domain list               every domain the hypervisor knows, with its phase
 */
import type { XsErrno } from "./constants.js";
import type { Hypervisor } from "./hypervisor.js";

/** The `CONTROL help` line: command and parameters. */
export const DOMAIN_CONTROL_USAGE: readonly [string, string] = ["domain", "create|shutdown|destroy <domid> | list"];

export type ControlResult = { text: string } | { errno: XsErrno };

/** Runs `domain <action> [domid]`; `hv` undefined = the server has no hypervisor model. */
export function controlDomain(hv: Hypervisor | undefined, args: readonly string[]): ControlResult {
  if (!hv) return { errno: "ENOSYS" };
  const [action, rawDomid, ...extra] = args;
  if (action === "list" && rawDomid === undefined) {
    return { text: hv.list().map((d) => `${d.domid} ${d.phase}\n`).join("") };
  }
  if (extra.length > 0 || rawDomid === undefined || !/^\d{1,5}$/.test(rawDomid) || Number(rawDomid) >= 0x7ff0) return { errno: "EINVAL" };
  const domid = Number(rawDomid);
  switch (action) {
    case "create":
      if (hv.exists(domid)) return { errno: "EEXIST" };
      hv.create(domid);
      return { text: "OK" };
    case "shutdown":
    case "destroy":
      if (!hv.exists(domid)) return { errno: "ENOENT" };
      if (action === "shutdown") hv.shutdown(domid);
      else hv.destroy(domid);
      return { text: "OK" };
    default:
      return { errno: "EINVAL" };
  }
}
