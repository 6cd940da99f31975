/**
 * fast-check arbitraries for request sequences over 1–4 socket connections: every
 * message type C xenstored 4.17 knows, transactions interleaved across connections,
 * watches, permissions, domains, quotas, and bad input (bad paths, unterminated or extra
 * arguments, unknown types, wrong transaction ids, over-long headers). Paths come from a
 * small set so requests collide: that is where transaction and watch rules show.
 */
import fc from "fast-check";
import { MsgType, type MsgTypeName } from "../../src/xenstore/constants.js";
import { bytes } from "../../src/xenstore/codec.js";
import type { Step, TxRef } from "./wire-session.js";

const GOOD_PATHS = ["/d", "/d/a", "/d/a/b", "/d/a/c", "/d/b", "/e", "/e/x/y", "/tool", "/tool/xenstored", "/", "x", "local/y"];
const BAD_PATHS = ["", "/d/", "//d", "/d//a", "/d/a b", "/d/ä", "@bogus", "@releaseDomain", "@introduceDomain/1", "/" + "p".repeat(3100)];
/** Half the requests go to two hot nodes, so transactions and watches collide. */
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("/d/a", "/d/b") },
  { weight: 6, arbitrary: fc.constantFrom(...GOOD_PATHS) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_PATHS) },
);
const nodePath = path.filter((p) => !p.startsWith("@"));
/** Per-domain special watches (`@introduceDomain/1`) fire in Xen 4.22 only: c-differences.test.ts. */
const watchPath = fc.oneof(path, fc.constantFrom("@releaseDomain", "@introduceDomain", "@bogus", "/d/a/b/c"))
  .filter((p) => !/^@(introduce|release)Domain\//.test(p));
const value = fc.oneof(
  fc.constantFrom("", "v", "0123456789", "x".repeat(2000), "a\0b"),
  fc.string({ maxLength: 12 }),
);
const token = fc.constantFrom("t1", "t2", "", "a token");
/** Decimal domids only: 4.17 parses with atoi, xenmm (like master) refuses the rest (c-differences.test.ts). */
const domid = fc.constantFrom("1", "2", "3", "0", "32752", "65535");
/** Permission strings, valid and not (domids ≤ 65535: c-differences.test.ts). */
const perm = fc.constantFrom("n0", "r0", "b1", "w2", "r3", "n", "x1", "r", "r1x", "b0", "r0x10", "b010", "n08");

/** The transaction id a request carries: none, the latest (or an earlier) one, or a wrong one. */
function txRefArb(noneWeight: number): fc.Arbitrary<TxRef> {
  return fc.oneof(
    { weight: noneWeight, arbitrary: fc.constant<TxRef>({ kind: "none" }) },
    { weight: 8, arbitrary: fc.constantFrom(0, 0, 0, 1).map((n): TxRef => ({ kind: "open", n })) },
    { weight: 1, arbitrary: fc.constantFrom(77, 0xffffffff).map((id): TxRef => ({ kind: "id", id })) },
  );
}
const txRef = txRefArb(8);
/** TRANSACTION_END mostly ends a real transaction. */
const endTxRef = txRefArb(1);

type Args = Array<string | Uint8Array>;
/** A request's name and arguments (strings are NUL-terminated on the wire, bytes raw). */
const request: fc.Arbitrary<[MsgTypeName, Args]> = fc.oneof(
  { weight: 4, arbitrary: path.map((p): [MsgTypeName, Args] => ["READ", [p]]) },
  { weight: 4, arbitrary: fc.tuple(path, value).map(([p, v]): [MsgTypeName, Args] => ["WRITE", [p, bytes(v)]]) },
  { weight: 2, arbitrary: path.map((p): [MsgTypeName, Args] => ["MKDIR", [p]]) },
  { weight: 2, arbitrary: path.map((p): [MsgTypeName, Args] => ["RM", [p]]) },
  { weight: 3, arbitrary: path.map((p): [MsgTypeName, Args] => ["DIRECTORY", [p]]) },
  { weight: 1, arbitrary: fc.tuple(path, fc.constantFrom("0", "1", "2", "99", "x", "-1")).map(([p, o]): [MsgTypeName, Args] => ["DIRECTORY_PART", [p, o]]) },
  // Node paths only: the perms of special names are a Xen 4.22 feature (c-differences.test.ts).
  { weight: 1, arbitrary: nodePath.map((p): [MsgTypeName, Args] => ["GET_PERMS", [p]]) },
  { weight: 2, arbitrary: fc.tuple(nodePath, fc.array(perm, { maxLength: 3 })).map(([p, ps]): [MsgTypeName, Args] => ["SET_PERMS", [p, ...ps]]) },
  { weight: 3, arbitrary: fc.tuple(watchPath, token).map(([p, t]): [MsgTypeName, Args] => ["WATCH", [p, t]]) },
  { weight: 1, arbitrary: fc.tuple(watchPath, token).map(([p, t]): [MsgTypeName, Args] => ["UNWATCH", [p, t]]) },
  { weight: 1, arbitrary: fc.constant<[MsgTypeName, Args]>(["RESET_WATCHES", []]) },
  { weight: 4, arbitrary: fc.constant<[MsgTypeName, Args]>(["TRANSACTION_START", [""]]) },
  { weight: 4, arbitrary: fc.constantFrom("T", "F", "X").map((a): [MsgTypeName, Args] => ["TRANSACTION_END", [a]]) },
  { weight: 1, arbitrary: domid.map((d): [MsgTypeName, Args] => ["GET_DOMAIN_PATH", [d]]) },
  { weight: 1, arbitrary: domid.map((d): [MsgTypeName, Args] => ["IS_DOMAIN_INTRODUCED", [d]]) },
  { weight: 1, arbitrary: fc.tuple(domid, fc.constantFrom("4096", "0"), fc.constantFrom("3", "9", "0")).map(([d, m, e]): [MsgTypeName, Args] => ["INTRODUCE", [d, m, e]]) },
  { weight: 1, arbitrary: domid.map((d): [MsgTypeName, Args] => ["RELEASE", [d]]) },
  { weight: 1, arbitrary: domid.map((d): [MsgTypeName, Args] => ["RESUME", [d]]) },
  { weight: 1, arbitrary: fc.tuple(domid, domid).map(([a, b]): [MsgTypeName, Args] => ["SET_TARGET", [a, b]]) },
  { weight: 1, arbitrary: fc.constantFrom(["check"], ["check", "x"], ["print", "hello"], ["quota", "set", "nodes", "7"], ["quota", "set", "nodes", "0"],
    ["quota-soft", "set", "memory", "5000"], ["quota-soft", "set", "nodes", "5"], ["bogus"], []).map((a): [MsgTypeName, Args] => ["CONTROL", [...a]]) },
);

/** Damage to a well-formed payload: none mostly; drop the last NUL, add an argument, empty it. */
const damage = fc.oneof(
  { weight: 12, arbitrary: fc.constant("none" as const) },
  { weight: 1, arbitrary: fc.constantFrom("unterminated" as const, "extra" as const, "empty" as const) },
);

function payloadOf(args: Args, how: "none" | "unterminated" | "extra" | "empty"): Uint8Array {
  if (how === "empty") return new Uint8Array(0);
  const parts = args.map((a) => (typeof a === "string" ? bytes(a + "\0") : a));
  if (how === "extra") parts.push(bytes("extra\0"));
  let out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  if (how === "unterminated" && out.length > 0 && out[out.length - 1] === 0) out = out.subarray(0, out.length - 1);
  return out;
}

/**
 * One-path requests whose damaged payload C 4.17 answers with a stale errno (whatever an
 * earlier failure left): not comparable, so not damaged here (c-differences.test.ts).
 */
const STALE_ERRNO_TYPES = new Set<MsgTypeName>(["READ", "DIRECTORY", "GET_PERMS", "MKDIR", "RM"]);
/**
 * Not damaged either: WATCH's third argument is a depth in xenmm (Xen 4.22), EINVAL in
 * 4.17; a damaged CONTROL can end up showing quota settings, whose text follows master.
 */
const UNDAMAGED_TYPES = new Set<MsgTypeName>([...STALE_ERRNO_TYPES, "WATCH", "CONTROL"]);

/** A step on one of `connections` connections. */
export function stepArb(connections: number): fc.Arbitrary<Step> {
  const conn = fc.integer({ min: 0, max: connections - 1 });
  const wellTyped = fc.tuple(conn, request, txRef, endTxRef, damage).map(([c, [type, args], tx, endTx, how]): Step => ({
    conn: c, type: MsgType[type], tx: type === "TRANSACTION_END" ? endTx : tx,
    payload: payloadOf(args, UNDAMAGED_TYPES.has(type) ? "none" : how),
  }));
  // 20 is XS_RESTRICT (gone), 15/16 only travel to clients, 99 is unknown.
  const unknownType = fc.tuple(conn, fc.constantFrom(15, 16, 20, 27, 99, 0x7fffffff)).map(([c, type]): Step =>
    ({ conn: c, type, tx: { kind: "none" }, payload: bytes("/d\0") }));
  const overlong = conn.map((c): Step => ({ conn: c, type: "overlong" }));
  return fc.oneof({ weight: 100, arbitrary: wellTyped }, { weight: 2, arbitrary: unknownType }, { weight: 1, arbitrary: overlong });
}

const hot = fc.constantFrom("/d/a", "/d/b", "/d", "/d/a/b", "/d/c");
/** A transaction access (read, list, write, create, remove) of a hot node. */
const txAccess = fc.tuple(fc.constantFrom<MsgTypeName>("READ", "DIRECTORY", "WRITE", "MKDIR", "RM"), hot)
  .map(([type, p]): [MsgTypeName, Args] => [type, type === "WRITE" ? [p, bytes("tx")] : [p]]);
/** An outside change of a hot node. */
const outsideChange = fc.tuple(fc.constantFrom<MsgTypeName>("WRITE", "MKDIR", "RM"), hot)
  .map(([type, p]): [MsgTypeName, Args] => [type, type === "WRITE" ? [p, bytes("out")] : [p]]);

/**
 * The shape of every conflict rule: a transaction on one connection accesses nodes,
 * another connection changes nodes, the transaction looks again and commits or aborts.
 */
function conflictEpisode(connections: number): fc.Arbitrary<Step[]> {
  const inTx = (c: number) => ([type, args]: [MsgTypeName, Args]): Step =>
    ({ conn: c, type: MsgType[type], tx: { kind: "open", n: 0 }, payload: payloadOf(args, "none") });
  return fc.tuple(
    fc.integer({ min: 0, max: connections - 1 }), fc.integer({ min: 0, max: connections - 1 }),
    fc.array(txAccess, { minLength: 1, maxLength: 3 }), fc.array(outsideChange, { maxLength: 2 }),
    fc.array(txAccess, { maxLength: 2 }), fc.constantFrom("T", "T", "F"),
  ).map(([a, b, before, outside, after, end]): Step[] => [
    { conn: a, type: MsgType.TRANSACTION_START, tx: { kind: "none" }, payload: bytes("\0") },
    ...before.map(inTx(a)),
    ...outside.map(([type, args]): Step => ({ conn: b, type: MsgType[type], tx: { kind: "none" }, payload: payloadOf(args, "none") })),
    ...after.map(inTx(a)),
    { conn: a, type: MsgType.TRANSACTION_END, tx: { kind: "open", n: 0 }, payload: bytes(`${end}\0`) },
  ]);
}

/** A script: how many connections, and the steps (single requests mixed with conflict episodes). */
export const scriptArb = fc.integer({ min: 1, max: 4 }).chain((connections) => fc.record({
  connections: fc.constant(connections),
  steps: fc.array(fc.oneof(
    { weight: 5, arbitrary: stepArb(connections).map((s) => [s]) },
    { weight: 1, arbitrary: conflictEpisode(connections) },
  ), { minLength: 1, maxLength: 25, size: "max" }).map((groups) => groups.flat()),
}));
