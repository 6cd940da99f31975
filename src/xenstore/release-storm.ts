/**
 * The @releaseDomain release-storm model (research/xenstore.md §7.4).
 *
 * N domains (domids 1..N) run; M listeners each monitor one domain, listener i (0-based)
 * monitoring domain (i mod N) + 1, like xl's per-domain monitors or backends. Domains
 * 1..K die one after another; each death is one VIRQ_DOM_EXC (shutdown and destruction
 * collapsed into one state change). Every query takes the domctl lock for `queryCostUs`.
 *
 * legacy: xenstored asks the hypervisor about each of the A domains it knows (A = domains
 *   alive before this death); it fires the plain `@releaseDomain`, which every still-active
 *   listener receives; each then re-queries all A domains it knows to find out which one
 *   died. Listeners whose domain did not die discard the event (irrelevant).
 * new: xenstored drains the changed-domain list (one query returns the dead domain, one
 *   more returns ENOENT) and fires `@releaseDomain/<domid>`, which only that domain's
 *   listeners watch; they need no query.
 *
 * Per death d (1-based), with c_j listeners on domain j and L_d = Σ_{j ≥ d} c_j active:
 *   legacy: queries += A_d + L_d·A_d, delivered += L_d, irrelevant += L_d − c_d, A_d = N − d + 1
 *   new:    queries += 2,             delivered += c_d, irrelevant += 0
 * A listener whose domain died stops listening. `simulateReleaseStorm` runs this model
 * death by death; `runServerStorm` plays the same scenario through the real server and
 * hypervisor model (for small N) so tests can check that both agree.
 */
import { MsgType, RELEASE_DOMAIN } from "./constants.js";
import { joinStrings, splitStrings, type Message } from "./codec.js";
import { Hypervisor } from "./hypervisor.js";
import type { Design } from "./interfaces.js";
import { XenstoreServer } from "./server.js";

export interface StormParams {
  domains: number;
  listeners: number;
  deaths: number;
  design: Design;
  /** Domctl lock hold time of one query, in microseconds. */
  queryCostUs?: number;
}

/** One row of `xenmm xenstored sim --json` (field names are part of the CLI contract). */
export interface StormRun {
  design: Design;
  domains: number;
  listeners: number;
  deaths: number;
  queries: number;
  lock_hold_ms: number;
  events_delivered: number;
  events_irrelevant: number;
}

export const DEFAULT_QUERY_COST_US = 1;

function validate(p: StormParams): void {
  for (const k of ["domains", "listeners", "deaths"] as const)
    if (!Number.isSafeInteger(p[k]) || p[k] < 0) throw new RangeError(`${k} must be a non-negative integer`);
  if (p.deaths > p.domains) throw new RangeError(`deaths (${p.deaths}) cannot exceed domains (${p.domains})`);
}

/** Listeners per domain: c[j] for j = 1..N. */
function listenersPerDomain(n: number, m: number): Float64Array {
  const c = new Float64Array(n + 2);
  if (n === 0) return c;
  const base = Math.floor(m / n);
  const extra = m % n; // listeners 0..extra-1 of the last round land on domains 1..extra
  for (let j = 1; j <= n; j++) c[j] = base + (j <= extra ? 1 : 0);
  return c;
}

/** Runs the model death by death (O(N)): exact counts for any N. */
export function simulateReleaseStorm(p: StormParams): StormRun {
  validate(p);
  const cost = p.queryCostUs ?? DEFAULT_QUERY_COST_US;
  const c = listenersPerDomain(p.domains, p.listeners);
  let active = p.domains === 0 ? 0 : p.listeners;
  let queries = 0, delivered = 0, irrelevant = 0;
  for (let d = 1; d <= p.deaths; d++) {
    const alive = p.domains - d + 1;
    if (p.design === "legacy") {
      queries += alive; // xenstored's scan
      delivered += active; // plain @releaseDomain to every active listener
      queries += active * alive; // every listener re-scans
      irrelevant += active - c[d]!;
    } else {
      queries += 2; // poll → the dead domain, poll → ENOENT
      delivered += c[d]!;
    }
    active -= c[d]!; // the dead domain's listeners stop
  }
  return {
    design: p.design, domains: p.domains, listeners: p.listeners, deaths: p.deaths,
    queries, lock_hold_ms: round6((queries * cost) / 1000), events_delivered: delivered, events_irrelevant: irrelevant,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * The same scenario through the real server: domains introduced with INTRODUCE, listeners
 * as privileged in-process connections with real WATCHes, deaths as hypervisor
 * destructions raising VIRQ_DOM_EXC. Cost grows as N·M·K (N = 1000 takes most of a
 * minute), so `onProgress` is told after each death.
 */
export function runServerStorm(p: StormParams, onProgress?: (deathsDone: number, deaths: number) => void): StormRun {
  validate(p);
  const cost = p.queryCostUs ?? DEFAULT_QUERY_COST_US;
  const hv = new Hypervisor(cost * 1000);
  const server = new XenstoreServer({ design: p.design, hypervisor: hv });
  const admin = server.connect({ domid: 0, privileged: true, send: () => {}, label: "toolstack" });
  const request = (conn: ReturnType<typeof server.connect>, type: number, parts: string[]) =>
    server.handle(conn, { type, reqId: 0, txId: 0, payload: joinStrings(parts) });

  for (let d = 1; d <= p.domains; d++) {
    hv.create(d);
    request(admin, MsgType.INTRODUCE, [`${d}`, `${0x1000 + d}`, `${d + 10}`]);
  }
  while (hv.pollChangedDomain()) { /* creation is not what we measure */ }
  hv.lock.queries = 0;
  hv.lock.holdNs = 0;

  let delivered = 0, irrelevant = 0;
  const leaving: Array<() => void> = [];
  for (let i = 0; i < (p.domains === 0 ? 0 : p.listeners); i++) {
    const mine = (i % p.domains) + 1;
    let known = new Set<number>(Array.from({ length: p.domains }, (_, k) => k + 1));
    let registered = false;
    const watchPath = p.design === "legacy" ? RELEASE_DOMAIN : `${RELEASE_DOMAIN}/${mine}`;
    const onMessage = (m: Message) => {
      if (m.type !== MsgType.WATCH_EVENT) return;
      if (!registered) { registered = true; return; } // the event every WATCH fires at once
      delivered++;
      let mineDied: boolean;
      if (p.design === "legacy") {
        // The event says nothing: ask about every domain still believed alive.
        const still = new Set<number>();
        for (const d of known) if (hv.getinfo(d)) still.add(d); // counted by the domctl lock
        known = still;
        mineDied = !still.has(mine);
      } else {
        mineDied = splitStrings(m.payload).strings[0] === `${RELEASE_DOMAIN}/${mine}`;
      }
      if (!mineDied) irrelevant++;
      else leaving.push(() => request(conn, MsgType.UNWATCH, [watchPath, "storm"]));
    };
    const conn = server.connect({ domid: 0, privileged: true, send: onMessage, label: `listener${i}` });
    request(conn, MsgType.WATCH, [watchPath, "storm"]);
  }

  for (let d = 1; d <= p.deaths; d++) {
    hv.destroy(d);
    for (const leave of leaving.splice(0)) leave();
    onProgress?.(d, p.deaths);
  }
  // xenstored's and the listeners' queries all went through the same domctl lock.
  const queries = hv.lock.queries;
  return {
    design: p.design, domains: p.domains, listeners: p.listeners, deaths: p.deaths,
    queries, lock_hold_ms: round6(hv.lock.holdNs / 1e6), events_delivered: delivered, events_irrelevant: irrelevant,
  };
}

/**
 * Exercises every interface role once (introduce a domain, kill it) so the interface
 * log of `server` shows what its design uses.
 */
export function runInterfaceDemo(server: XenstoreServer): void {
  const hv = server.hypervisor ?? new Hypervisor();
  if (!server.hypervisor) {
    (server as { hypervisor?: Hypervisor }).hypervisor = hv;
    hv.onVirqDomExc = () => server.onDomainStateChange();
  }
  const admin = server.connect({ domid: 0, privileged: true, send: () => {}, label: "demo" });
  hv.create(1);
  server.handle(admin, { type: MsgType.INTRODUCE, reqId: 0, txId: 0, payload: joinStrings(["1", "4096", "11"]) });
  hv.destroy(1);
  server.disconnect(admin);
}
