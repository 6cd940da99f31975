/**
 * The C xenstored peer for tests. Provisioning follows the rule of Debian's clients: the
 * suite's set-up runs setup.sh as root with apt; without it a test that needs the peer
 * fails with the one command to run — it never skips.
 */
import { beforeAll } from "vitest";
import { cPeerProvisioned, cPeerSetupCommand } from "../../bench/xenstore-c-peer.js";

export { startCPeer, type CPeer } from "../../bench/xenstore-c-peer.js";

/** Registers a beforeAll that stops the suite with the setup command when the peer is missing. */
export function requireCPeer(): void {
  beforeAll(() => {
    if (!cPeerProvisioned()) throw new Error(`C xenstored 4.17 peer missing; run: ${cPeerSetupCommand()}`);
  });
}
