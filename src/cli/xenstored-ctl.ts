/**
 * `xenmm xenstored ctl --socket PATH create|shutdown|destroy DOMID | list`: drives the
 * hypervisor model of a running `xenmm xenstored --socket` through `CONTROL domain …`
 * (src/xenstore/domain-control.ts), and plays the toolstack where it has a part: `create`
 * makes the domain in the hypervisor, then INTRODUCEs it, as libxl does.
 */
import { UsageError } from "../errors.js";
import { intFlag, parseCommand } from "./args.js";

export const CTL_USAGE = `usage:
  xenmm xenstored ctl --socket PATH create DOMID [--evtchn PORT]
  xenmm xenstored ctl --socket PATH shutdown DOMID | destroy DOMID | list
      drive the hypervisor model of a running xenmm xenstored --socket: domains that
      are created (and introduced), shut down and destroyed, so watchers of
      @releaseDomain see them go (CONTROL "domain …" over the socket)`;

const ACTIONS = ["create", "shutdown", "destroy", "list"] as const;

export async function runCtl(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    socket: { type: "string" },
    evtchn: { type: "string" },
  }, CTL_USAGE, 2);
  if (values.socket === undefined) throw new UsageError("ctl: --socket PATH is required (the running server's socket)");
  const [action, rawDomid] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action ?? "")) throw new UsageError(`ctl: the action is one of ${ACTIONS.join(", ")}`);
  if ((action === "list") !== (rawDomid === undefined)) throw new UsageError(action === "list" ? "ctl list takes no DOMID" : `ctl ${action} needs a DOMID`);
  const domid = rawDomid === undefined ? undefined : intFlag("domid", rawDomid, 0, 1, 0x7fef);
  const evtchn = intFlag("evtchn", values.evtchn, 1, 1, 0xffff);

  const { connectUnix } = await import("../xenstore/socket-client.js");
  const { MsgType } = await import("../xenstore/constants.js");
  const { XsReplyError } = await import("../xenstore/client.js");
  const peer = await connectUnix(values.socket).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`ctl: cannot connect to ${values.socket}: ${e.code ?? e.message} (is xenmm xenstored --socket running?)`);
  });
  try {
    const args = domid === undefined ? [action!] : [action!, `${domid}`];
    const out = await peer.client.call(MsgType.CONTROL, ["domain", ...args]);
    if (action === "create") await peer.client.call(MsgType.INTRODUCE, [`${domid}`, "0", `${evtchn}`]);
    process.stdout.write(action === "list" ? out.replace(/\0$/, "") : `${action} dom${domid}: OK\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof XsReplyError)) throw e;
    process.stderr.write(`xenmm xenstored ctl: ${action}${domid === undefined ? "" : ` dom${domid}`}: ${e.errno}\n`);
    return 1;
  } finally {
    await peer.close();
  }
}
