/**
 * The deliberate differences from C xenstored 4.17 (README, "xenmm and C xenstored"),
 * each pinned with both servers' exact answers: if either side changes, the table is
 * out of date and this test says which row. The differential test does not generate
 * these requests.
 */
import { describe, expect, it } from "vitest";
import { NO_TX, req, runBoth } from "./c-diff.js";
import { requireCPeer } from "./c-peer.js";
import type { Step } from "./wire-session.js";
import "../support/system-tools.js";

/** Runs `steps` on both servers; the replies, side by side. */
async function answers(steps: Step[]): Promise<{ c: string[]; xenmm: string[] }> {
  const { c, xenmm } = await runBoth(1, steps);
  return { c: c.records.map((r) => r.reply), xenmm: xenmm.records.map((r) => r.reply) };
}

const error = (errno: string) => `ERROR ${JSON.stringify(`${errno}\0`)}`;
const ok = (type: string) => `${type} ${JSON.stringify("OK\0")}`;

describe("deliberate differences from C xenstored 4.17", () => {
  requireCPeer();

  it("1. Xen 4.19+ request types (GET/SET_FEATURE, GET/SET_QUOTA): 4.17 has none", async () => {
    const { c, xenmm } = await answers([
      req(0, "GET_FEATURE", NO_TX), req(0, "SET_FEATURE", NO_TX, "7", "2"),
      req(0, "GET_QUOTA", NO_TX, "nodes"), req(0, "SET_QUOTA", NO_TX, "nodes", "5"),
    ]);
    expect(c).toEqual([error("ENOSYS"), error("ENOSYS"), error("ENOSYS"), error("ENOSYS")]);
    expect(xenmm).toEqual([`GET_FEATURE ${JSON.stringify("14\0")}`, ok("SET_FEATURE"), `GET_QUOTA ${JSON.stringify("1000\0")}`, ok("SET_QUOTA")]);
  });

  it("2. domids are decimal numbers up to 65535 (master); 4.17 reads them with atoi", async () => {
    const { c, xenmm } = await answers([req(0, "GET_DOMAIN_PATH", NO_TX, "abc"), req(0, "GET_DOMAIN_PATH", NO_TX, "70000")]);
    expect(c).toEqual([`GET_DOMAIN_PATH ${JSON.stringify("/local/domain/0\0")}`, `GET_DOMAIN_PATH ${JSON.stringify("/local/domain/70000\0")}`]);
    expect(xenmm).toEqual([error("EINVAL"), error("EINVAL")]);
  });

  it("3. INTRODUCE with a non-numeric frame or a negative event channel: 4.17 wraps and accepts", async () => {
    const { c, xenmm } = await answers([req(0, "INTRODUCE", NO_TX, "1", "x", "-1")]);
    expect(c).toEqual([ok("INTRODUCE")]);
    expect(xenmm).toEqual([error("EINVAL")]);
  });

  it("4. a one-path request without its NUL: 4.17 answers whatever errno an earlier failure left", async () => {
    const unterminated: Step = { conn: 0, type: 2, tx: NO_TX, payload: new TextEncoder().encode("/tool") };
    const { c, xenmm } = await answers([req(0, "READ", NO_TX, "/missing"), unterminated]);
    expect(c).toEqual([error("ENOENT"), error("ENOENT")]); // the ENOENT of the READ before
    expect(xenmm).toEqual([error("ENOENT"), error("EINVAL")]);
  });

  it("5. WATCH with a third argument is a depth-limited watch (Xen 4.22); 4.17 refuses it", async () => {
    const { c, xenmm } = await answers([req(0, "WATCH", NO_TX, "/tool", "t", "1")]);
    expect(c).toEqual([error("EINVAL")]);
    expect(xenmm).toEqual([ok("WATCH")]);
  });

  it("6. permission domids over 65535 or negative: refused; 4.17 stores them", async () => {
    const { c, xenmm } = await answers([req(0, "SET_PERMS", NO_TX, "/tool", "n99999"), req(0, "SET_PERMS", NO_TX, "/tool", "n-1")]);
    expect(c).toEqual([ok("SET_PERMS"), ok("SET_PERMS")]);
    expect(xenmm).toEqual([error("EINVAL"), error("EINVAL")]);
  });

  it("7. the special nodes have readable permissions (Xen 4.22); 4.17 refuses GET_PERMS on them", async () => {
    const { c, xenmm } = await answers([req(0, "GET_PERMS", NO_TX, "@releaseDomain")]);
    expect(c).toEqual([error("EINVAL")]);
    expect(xenmm).toEqual([`GET_PERMS ${JSON.stringify("n0\0r32757\0")}`]);
  });

  it("8. watches on @introduceDomain/<domid> and @releaseDomain/<domid> fire (Xen 4.22); 4.17 never fires them", async () => {
    const { c, xenmm } = await runBoth(1, [req(0, "WATCH", NO_TX, "@introduceDomain/1", "t"), req(0, "INTRODUCE", NO_TX, "1", "4096", "3")]);
    const event = `WATCH_EVENT ${JSON.stringify("@introduceDomain/1\0t\0")}`;
    expect(c.records[1]!.events[0]).toEqual([]);
    expect(xenmm.records[1]!.events[0]).toEqual([event]);
  });

  it("9. CONTROL quota and help print master's names and xenmm's commands", async () => {
    const { c, xenmm } = await answers([req(0, "CONTROL", NO_TX, "quota"), req(0, "CONTROL", NO_TX, "help")]);
    expect(c[0]).toContain("permissions      :        5 Max. number of permissions per node");
    expect(xenmm[0]).toContain("node-permissions :        5 Max. number of permissions per node");
    expect(c[1]).toContain("live-update");
    expect(xenmm[1]).toContain("interfaces");
  });
});
