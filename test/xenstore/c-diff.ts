/**
 * Runs one script against a fresh xenmm socket server and a fresh C xenstored, and
 * returns both records side by side. Both servers start from the same tree (`/`,
 * `/tool`, `/tool/xenstored`, all `n0`). Every server started here is stopped in
 * `finally`, whatever the script does.
 */
import { MsgType, type MsgTypeName } from "../../src/xenstore/constants.js";
import { bytes } from "../../src/xenstore/codec.js";
import { startCPeer } from "./c-peer.js";
import { startServer } from "./helpers.js";
import { WireSession, type Step, type StepRecord, type TxRef } from "./wire-session.js";

export interface ScriptResult {
  records: StepRecord[];
  tree: string[];
}

export async function runScript(socket: string, connections: number, steps: readonly Step[]): Promise<ScriptResult> {
  const session = await WireSession.open(socket, connections);
  const records: StepRecord[] = [];
  try {
    for (const step of steps) records.push(await session.run(step));
  } finally {
    await session.close();
  }
  return { records, tree: await WireSession.dumpTree(socket) };
}

export async function runBoth(connections: number, steps: readonly Step[]): Promise<{ xenmm: ScriptResult; c: ScriptResult }> {
  const ours = await startServer();
  try {
    const peer = await startCPeer();
    try {
      const c = await runScript(peer.socket, connections, steps);
      const xenmm = await runScript(ours.path, connections, steps);
      return { xenmm, c };
    } finally {
      await peer.stop();
    }
  } finally {
    await ours.stop();
  }
}

/** A request step: `req(0, "READ", NO_TX, "/a")`; string args are NUL-terminated, raw bytes as given. */
export function req(conn: number, type: MsgTypeName, tx: TxRef, ...args: Array<string | Uint8Array>): Step {
  const parts = args.map((a) => (typeof a === "string" ? bytes(a + "\0") : a));
  const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    payload.set(p, off);
    off += p.length;
  }
  return { conn, type: MsgType[type], tx, payload };
}

/** WRITE's payload: the path NUL-terminated, the value raw. */
export function write(conn: number, tx: TxRef, path: string, value: string): Step {
  return req(conn, "WRITE", tx, path, bytes(value));
}

export const NO_TX: TxRef = { kind: "none" };
/** The connection's latest transaction (n = 0), the one before (n = 1)… */
export const TX = (n = 0): TxRef => ({ kind: "open", n });
