/**
 * The demo behind `xenmm xenstored --interfaces`: one domain introduced and killed, so the
 * interface log shows every call a design really makes.
 */
import { MsgType } from "./constants.js";
import { joinStrings } from "./codec.js";
import { Hypervisor } from "./hypervisor.js";
import type { XenstoreServer } from "./server.js";
import { Toolstack } from "./toolstack.js";

/**
 * Exercises every interface role once (introduce a domain, kill it) so the interface
 * log of `server` shows what its design uses.
 */
export function runInterfaceDemo(server: XenstoreServer): void {
  const hv = server.hypervisor ?? new Hypervisor();
  if (server.interfaces.design === "toolstack") new Toolstack(server, hv);
  else if (!server.hypervisor) {
    (server as { hypervisor?: Hypervisor }).hypervisor = hv;
    hv.onVirqDomExc = () => server.onDomainStateChange();
  }
  const admin = server.connect({ domid: 0, privileged: true, send: () => {}, label: "demo" });
  hv.create(1);
  server.handle(admin, { type: MsgType.INTRODUCE, reqId: 0, txId: 0, payload: joinStrings(["1", "4096", "11"]) });
  hv.destroy(1);
  server.disconnect(admin);
}
