/**
 * Issue 11 §1: transactions as C xenstored 4.17 runs them (docs/notes/xenstore.md §4). Each
 * scenario runs on xenmm and on the C peer; both must give the exact replies listed
 * here, and every reply and watch event must be the same on both.
 * Conn 0 runs the transaction, conn 1 changes things "outside"; conn 1 watches /t.
 */
import { describe, expect, it } from "vitest";
import { NO_TX, TX, req, runBoth, write, type ScriptResult } from "./c-diff.js";
import { requireCPeer } from "./c-peer.js";
import type { Step } from "./wire-session.js";
import "../support/system-tools.js";

/** A reply in short form: `OK`, `a`, `x|y` (strings of a list), `ENOENT` (errors). */
function short(reply: string): string {
  const space = reply.indexOf(" ");
  const payload = JSON.parse(reply.slice(space + 1)) as string;
  return payload.replace(/\0$/, "").replace(/\0/g, "|");
}

async function scenario(setup: Step[], steps: Step[]): Promise<{ replies: string[]; events: string[]; c: ScriptResult; xenmm: ScriptResult }> {
  const all = [req(1, "WATCH", NO_TX, "/t", "w"), ...setup, ...steps];
  const { xenmm, c } = await runBoth(2, all);
  expect(xenmm.records).toEqual(c.records);
  expect(xenmm.tree).toEqual(c.tree);
  const mine = xenmm.records.slice(1 + setup.length);
  return {
    replies: mine.map((r) => short(r.reply)),
    events: mine.flatMap((r) => r.events[1]!.map(short)),
    c, xenmm,
  };
}

const start = req(0, "TRANSACTION_START", NO_TX, "");
const commit = req(0, "TRANSACTION_END", TX(), "T");

describe("transactions: C xenstored 4.17's rules, checked against the C peer", () => {
  requireCPeer();

  it("a read is repeatable: the transaction keeps what it first saw; commit fails EAGAIN", async () => {
    const { replies, events } = await scenario([write(1, NO_TX, "/t/a", "a")], [
      start, req(0, "READ", TX(), "/t/a"), write(1, NO_TX, "/t/a", "b"), req(0, "READ", TX(), "/t/a"),
      write(0, TX(), "/t/b", "x"), commit, req(0, "READ", NO_TX, "/t/a"), req(0, "READ", NO_TX, "/t/b"),
    ]);
    expect(replies).toEqual(["1", "a", "OK", "a", "OK", "EAGAIN", "b", "ENOENT"]);
    expect(events).toEqual(["/t/a|w"]); // the outside write only: a failed commit fires nothing
  });

  it("a read of something else, then an unrelated outside write: commit succeeds", async () => {
    const { replies, events } = await scenario([write(1, NO_TX, "/t/a", "a"), write(1, NO_TX, "/t/c", "c")], [
      start, req(0, "READ", TX(), "/t/a"), write(1, NO_TX, "/t/c", "c2"), write(0, TX(), "/t/b", "x"), commit,
      req(0, "READ", NO_TX, "/t/b"),
    ]);
    expect(replies).toEqual(["1", "a", "OK", "OK", "OK", "x"]);
    expect(events).toEqual(["/t/c|w", "/t/b|w"]);
  });

  it("a missing node stays missing for the transaction after an outside create; EAGAIN", async () => {
    const { replies } = await scenario([req(1, "MKDIR", NO_TX, "/t")], [
      start, req(0, "READ", TX(), "/t/n"), write(1, NO_TX, "/t/n", "new"), req(0, "READ", TX(), "/t/n"), commit,
    ]);
    expect(replies).toEqual(["1", "ENOENT", "OK", "ENOENT", "EAGAIN"]);
  });

  it("a write without a read still conflicts with an outside write, even of the same value", async () => {
    const { replies } = await scenario([write(1, NO_TX, "/t/a", "a")], [
      start, write(0, TX(), "/t/a", "mine"), write(1, NO_TX, "/t/a", "a"), commit, req(0, "READ", NO_TX, "/t/a"),
    ]);
    expect(replies).toEqual(["1", "OK", "OK", "EAGAIN", "a"]);
  });

  it("directory listings: the copy of the list is kept; a sibling created outside conflicts", async () => {
    const { replies } = await scenario([req(1, "MKDIR", NO_TX, "/t/d/x")], [
      start, req(0, "DIRECTORY", TX(), "/t/d"), req(1, "MKDIR", NO_TX, "/t/d/y"), req(0, "DIRECTORY", TX(), "/t/d"),
      // A node the transaction never touched is read live.
      req(0, "DIRECTORY", TX(), "/t/d/y"), req(0, "DIRECTORY_PART", TX(), "/t/d", "0"), commit,
      req(0, "DIRECTORY", NO_TX, "/t/d"),
    ]);
    // DIRECTORY_PART reports the generation of the transaction's copy (C's generation count).
    expect(replies).toEqual(["1", "x", "OK", "x", "", "5|x|", "EAGAIN", "x|y"]);
  });

  it("creating a child in a transaction conflicts with a sibling created outside", async () => {
    const { replies } = await scenario([req(1, "MKDIR", NO_TX, "/t/d")], [
      start, write(0, TX(), "/t/d/new1", "1"), write(1, NO_TX, "/t/d/new2", "2"), commit,
      req(0, "DIRECTORY", NO_TX, "/t/d"),
    ]);
    expect(replies).toEqual(["1", "OK", "OK", "EAGAIN", "new2"]);
  });

  // Removed descendants fire only watches on exactly them: conn 1 watches each.
  const subtree = [
    write(1, NO_TX, "/t/s/c1", "1"), write(1, NO_TX, "/t/s/c2/g", "2"), write(1, NO_TX, "/t/o", "o"),
    ...["/t/s/c1", "/t/s/c2", "/t/s/c2/g"].map((p) => req(1, "WATCH", NO_TX, p, "w")),
  ];

  it("rm of a subtree: the transaction keeps the removed nodes' absence; outside writes below conflict", async () => {
    const setup = subtree;
    const conflict = await scenario(setup, [
      start, req(0, "RM", TX(), "/t/s"), req(0, "READ", TX(), "/t/s/c1"), write(1, NO_TX, "/t/s/c1", "x"), commit,
      req(0, "DIRECTORY", NO_TX, "/t/s"),
    ]);
    expect(conflict.replies).toEqual(["1", "OK", "ENOENT", "OK", "EAGAIN", "c1|c2"]);
    // An outside write of a node the transaction never touched (creating one would change /t's child list).
    const clean = await scenario(setup, [start, req(0, "RM", TX(), "/t/s"), write(1, NO_TX, "/t/o", "o2"), commit, req(0, "READ", NO_TX, "/t/s")]);
    expect(clean.replies).toEqual(["1", "OK", "OK", "OK", "ENOENT"]);
    // Commit fires one event per removed node, in the transaction's access order (the root first).
    expect(clean.events).toEqual(["/t/o|w", "/t/s|w", "/t/s/c1|w", "/t/s/c2|w", "/t/s/c2/g|w"]);
  });

  it("outside of a transaction, rm fires the deepest nodes first and the removed node last", async () => {
    const { events } = await scenario(subtree, [req(0, "RM", NO_TX, "/t/s")]);
    expect(events).toEqual(["/t/s/c1|w", "/t/s/c2/g|w", "/t/s/c2|w", "/t/s|w"]);
  });

  it("a node deleted outside is still there for the transaction that read it; EAGAIN", async () => {
    const { replies } = await scenario([write(1, NO_TX, "/t/x", "old")], [
      start, req(0, "READ", TX(), "/t/x"), req(1, "RM", NO_TX, "/t/x"), req(0, "READ", TX(), "/t/x"), commit,
    ]);
    expect(replies).toEqual(["1", "old", "OK", "old", "EAGAIN"]);
  });

  it("a stale copy: rm of a node whose listed child was removed outside is EIO, as in C", async () => {
    const { replies } = await scenario([write(1, NO_TX, "/t/p/c", "1")], [
      start, req(0, "DIRECTORY", TX(), "/t/p"), req(1, "RM", NO_TX, "/t/p/c"), req(0, "RM", TX(), "/t/p"), commit,
    ]);
    expect(replies).toEqual(["1", "c", "OK", "EIO", "EAGAIN"]);
  });

  it("a committed transaction fires one event per node, in first-access order", async () => {
    const { replies, events } = await scenario([req(1, "MKDIR", NO_TX, "/t")], [
      start, req(0, "READ", TX(), "/t/b"), write(0, TX(), "/t/a", "1"), write(0, TX(), "/t/a", "2"), write(0, TX(), "/t/b", "3"), commit,
    ]);
    expect(replies).toEqual(["1", "ENOENT", "OK", "OK", "OK", "OK"]);
    expect(events).toEqual(["/t/b|w", "/t/a|w"]);
  });
});
