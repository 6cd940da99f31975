/**
 * `xenmm ring hazards`: the GFN-based ring's hazards (issue 12 §3, docs/notes/vm_event.md §5.8),
 * each run against the legacy ring and the redesign, with the hostile guest in its own
 * worker thread (guest-roles.ts) acting on shared memory.
 *  - scribble:  the guest writes garbage into guest memory while events flow (scribble.ts);
 *  - balloon:   the guest's balloon driver takes the ring GFN before the agent connects, or
 *               reuses it between a disconnect and a reconnect;
 *  - superpage: the ring GFN leaves the physmap (the XSA-99 step of xc_vm_event_enable)
 *               from inside a superpage-mapped RAM range, which shatters it. An assumption:
 *               Xen's default monitor GFN sits in the special-page area below 4 GiB, which
 *               the domain builder may populate with 4 KiB pages (docs/notes/vm_event.md §9: inference).
 * The legacy connect follows xc_vm_event_enable (§3.2): populate the ring GFN if it is a
 * hole, map it, enable, then remove it from the physmap. Where the guest put its own page at
 * the GFN, the model refuses (-EBUSY) rather than hand the guest a ring it can write.
 * The redesign's pages come from Xen (acquire_resource): no GFN, no p2m change.
 */
import { htmlTable } from "../../report/html.js";
import { textTable } from "../../report/table.js";
import { LEGACY_RING_GFN, PAGE_SIZE } from "../abi.js";
import type { Design } from "../sim/config.js";
import { newControl, CONTROL, waitWhileEquals } from "../workers/control.js";
import type { BalloonAction, BalloonSpec, ScribblerSpec } from "../workers/guest-roles.js";
import type { RoleGroup } from "../workers/node-host.js";
import type { RoleSpec } from "../workers/roles.js";
import { GFNS_PER_1G, GuestP2m, INVALID_MFN, RING_MFN_BASE } from "./guest-p2m.js";
import { legacyUnderScribble, redesignUnderScribble, type ScribbleOutcome } from "./scribble.js";

export type HazardName = "scribble" | "balloon" | "superpage";

export interface HazardRow {
  name: HazardName;
  design: Design;
  outcome: string;
  agent_connected: boolean;
  out_of_bounds_accesses: number;
  events_lost: number;
  superpages_split: number;
}

export interface HazardReport {
  scenarios: HazardRow[];
}

export type StartRoles = (specs: RoleSpec[], batchMembers: number) => RoleGroup;

export interface HazardOptions {
  /** Events moved in the scribble scenario (default 20 000). */
  events?: number;
  seed?: number;
}

const GUEST_PAGES = 4;
const RING_PAGE = 1;
const LEGACY_SLOTS = 8;
const gfnHex = `0x${LEGACY_RING_GFN.toString(16)}`;

/** Starts a guest thread and waits until it is running (it arrived at the start barrier). */
function startGuest(startRoles: StartRoles, spec: ScribblerSpec | BalloonSpec): RoleGroup {
  const group = startRoles([spec], spec.role === "guest-balloon" ? 1 : 0);
  if (!waitWhileEquals(new Int32Array(spec.control), CONTROL.ready, 0, 30_000)) throw new Error(`${spec.role} worker did not start`);
  return group;
}

async function scribble(startRoles: StartRoles, events: number, seed: number): Promise<HazardRow[]> {
  const rows: HazardRow[] = [];
  for (const design of ["legacy", "new"] as const) {
    const memory = new SharedArrayBuffer(GUEST_PAGES * PAGE_SIZE);
    const control = newControl().buffer as SharedArrayBuffer;
    const guest = startGuest(startRoles, { role: "guest-scribbler", control, participants: 1, memory, from: RING_PAGE * PAGE_SIZE, bytes: PAGE_SIZE, seed });
    let o: ScribbleOutcome;
    try {
      o = design === "legacy" ? legacyUnderScribble(memory, RING_PAGE * PAGE_SIZE, LEGACY_SLOTS, events) : redesignUnderScribble(events);
    } finally {
      await guest.finish();
    }
    const lost = o.produced - o.delivered;
    rows.push({
      name: "scribble", design, agent_connected: true, out_of_bounds_accesses: o.outOfBounds, events_lost: lost, superpages_split: 0,
      outcome: design === "legacy"
        ? `guest wrote into the ring page; corruption caught ${o.xenDetected}× by Xen, ${o.agentDetected}× by the agent, ${o.refusedRequests} garbage requests refused, ring re-initialised ${o.resets}×; ${lost} of ${o.produced} events lost`
        : `guest wrote into its own memory only (the rings are Xen pages it cannot map); ${o.delivered} of ${o.produced} events delivered intact`,
    });
  }
  return rows;
}

type Connect = { ok: true } | { ok: false; why: string };

/** xc_vm_event_enable's steps on the guest p2m, for the legacy ring (see the file comment). */
function legacyConnect(p2m: GuestP2m): Connect {
  const mfn = p2m.mfn(LEGACY_RING_GFN);
  if (mfn === INVALID_MFN) {
    const r = p2m.populate(LEGACY_RING_GFN, RING_MFN_BASE + 1);
    if (r !== "ok") return { ok: false, why: `populating ring GFN ${gfnHex} failed (-${r})` };
  } else if (GuestP2m.isGuestPage(mfn)) {
    return { ok: false, why: `ring GFN ${gfnHex} holds a page of the guest's (-EBUSY)` };
  }
  p2m.decreaseReservation(LEGACY_RING_GFN); // XSA-99: the ring leaves the guest physmap
  return { ok: true };
}

/** Runs the balloon driver's actions in the guest thread, one batch each. */
async function balloonDriver(startRoles: StartRoles, p2m: GuestP2m, actions: BalloonAction[]): Promise<string[]> {
  const control = newControl().buffer as SharedArrayBuffer;
  const guest = startGuest(startRoles, { role: "guest-balloon", control, participants: 1, p2m: p2m.buffer, baseGfn: p2m.baseGfn, ringGfn: LEGACY_RING_GFN, actions });
  try {
    for (let i = 0; i < actions.length; i++) guest.runBatch();
  } catch (e) {
    await guest.finish().catch(() => []);
    throw e;
  }
  const [result] = await guest.finish();
  return result.balloonResults ?? [];
}

const windowBase = () => LEGACY_RING_GFN - (LEGACY_RING_GFN % GFNS_PER_1G);

async function balloon(startRoles: StartRoles): Promise<HazardRow[]> {
  const row = (design: Design, connected: boolean, split: number, outcome: string): HazardRow =>
    ({ name: "balloon", design, outcome, agent_connected: connected, out_of_bounds_accesses: 0, events_lost: 0, superpages_split: split });
  // Before the first connect: the ring GFN is ballooned out and the allowance spent elsewhere.
  const before = GuestP2m.create(windowBase(), LEGACY_RING_GFN);
  await balloonDriver(startRoles, before, ["balloon-out-ring-gfn", "spend-allowance"]);
  const first = legacyConnect(before);
  // Between disconnect and reconnect: the guest puts its own page in the hole XSA-99 left.
  const again = GuestP2m.create(windowBase(), LEGACY_RING_GFN);
  const connected = legacyConnect(again);
  await balloonDriver(startRoles, again, ["reuse-ring-gfn"]);
  const second = legacyConnect(again);
  const why = (c: Connect) => (c.ok ? "connected" : `connect failed: ${c.why}`);
  return [
    row("legacy", first.ok, before.superpagesSplit, `balloon before connect: ${why(first)}; nothing can be monitored`),
    row("legacy", connected.ok && second.ok, again.superpagesSplit, `balloon between disconnect and reconnect: first connect ${connected.ok ? "ok" : "failed"}, reconnect ${second.ok ? "ok" : `failed: ${(second as { why: string }).why}`}`),
    row("new", true, 0, "balloon before connect: connected (ring pages are Xen's, mapped with acquire_resource; no GFN to take)"),
    row("new", true, 0, "balloon between disconnect and reconnect: reconnected (the guest p2m is never consulted)"),
  ];
}

function superpage(): HazardRow[] {
  const p2m = GuestP2m.create(windowBase(), LEGACY_RING_GFN);
  const c = legacyConnect(p2m);
  const base = { name: "superpage" as const, out_of_bounds_accesses: 0, events_lost: 0 };
  return [
    { ...base, design: "legacy", agent_connected: c.ok, superpages_split: p2m.superpagesSplit,
      outcome: `removing ring GFN ${gfnHex} from the physmap (XSA-99) shattered ${p2m.superpagesSplit} superpages (the 1 GiB one and the 2 MiB one holding it; the model maps that GiB as superpage-backed RAM)` },
    { ...base, design: "new", agent_connected: true, superpages_split: 0, outcome: "no guest GFN is added or removed: no superpage split" },
  ];
}

export async function runHazards(startRoles: StartRoles, options: HazardOptions = {}): Promise<HazardReport> {
  const events = options.events ?? 20_000;
  const seed = options.seed ?? 1;
  return { scenarios: [...(await scribble(startRoles, events, seed)), ...(await balloon(startRoles)), ...superpage()] };
}

const HEADER = ["scenario", "design", "agent connected", "out-of-bounds", "events lost", "superpages split", "what happened"];
const cells = (r: HazardRow) => [r.name, r.design, r.agent_connected ? "yes" : "no", String(r.out_of_bounds_accesses), String(r.events_lost), String(r.superpages_split), r.outcome];

export function hazardTable(report: HazardReport): string {
  return textTable(HEADER, report.scenarios.map(cells));
}

export function hazardHtml(report: HazardReport): string {
  return htmlTable(HEADER, report.scenarios.map(cells));
}
