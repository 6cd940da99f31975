/**
 * The toolstack of the third release design (issue 11 §6, the notes' question c): it, not
 * xenstored, binds VIRQ_DOM_EXC. On each VIRQ it drains Xen's changed-domain list with
 * the stable XEN_DOMCTL_get_domain_state and, for every domain that died, tells xenstored
 * with XS_RELEASE — the mirror of the XS_INTRODUCE it sends at creation. xenstored then
 * tears the domain down and fires `@releaseDomain` and `@releaseDomain/<domid>`.
 *
 * A shutdown needs no message: the toolstack is the party that acts on it (on_poweroff,
 * on_reboot…), and it learns it first-hand here.
 */
import { MsgType } from "./constants.js";
import { joinStrings } from "./codec.js";
import type { Connection } from "./connection.js";
import { DomainState, type Hypervisor } from "./hypervisor.js";
import type { XenstoreServer } from "./server.js";

export class Toolstack {
  /** Domains shut down and not yet dead: the toolstack would now apply on_poweroff etc. */
  readonly shutDown = new Set<number>();
  /** XS_RELEASE messages sent to xenstored. */
  releases = 0;
  private readonly conn: Connection;

  /** Binds VIRQ_DOM_EXC of `hv` and opens a privileged connection to `server`. */
  constructor(private readonly server: XenstoreServer, private readonly hv: Hypervisor) {
    this.conn = server.connect({ domid: server.privDomid, privileged: true, send: () => {}, label: "toolstack" });
    hv.onVirqDomExc = () => this.onVirq();
    server.interfaces.use("event channels", "toolstack");
  }

  private onVirq(): void {
    for (;;) {
      this.server.interfaces.use("domain state", "toolstack");
      const info = this.hv.pollChangedDomain();
      if (!info) return;
      const dead = info.state === 0 || (info.state & (DomainState.DYING | DomainState.DEAD)) !== 0;
      if (dead) this.shutDown.delete(info.domid);
      if (dead && this.server.domains.has(info.domid)) {
        this.releases++;
        this.server.interfaces.use("death notice", "toolstack");
        this.server.handle(this.conn, { type: MsgType.RELEASE, reqId: 0, txId: 0, payload: joinStrings([`${info.domid}`]) });
      } else if (info.state & DomainState.SHUTDOWN) {
        this.shutDown.add(info.domid);
      }
    }
  }
}
