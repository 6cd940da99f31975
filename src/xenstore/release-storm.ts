/**
 * The @releaseDomain release-storm model (docs/notes/xenstore.md §7.4).
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
 * toolstack: the toolstack drains the changed-domain list (the same two queries) and sends
 *   XS_RELEASE to xenstored, which fires `@releaseDomain/<domid>` as in new.
 *
 * Per death d (1-based), with c_j listeners on domain j and L_d = Σ_{j ≥ d} c_j active:
 *   legacy:        queries += A_d + L_d·A_d, delivered += L_d, irrelevant += L_d − c_d, A_d = N − d + 1
 *   new/toolstack: queries += 2,             delivered += c_d, irrelevant += 0
 * A listener whose domain died stops listening.
 *
 * Delay from death to a listener's notification (it knows its domain died), on a clock
 * that advances by the lock hold of each query (queries serialise on the domctl lock) and
 * by `hopUs` per message between processes:
 *   legacy:    xenstored's scan, the event, then the listeners' scans in connection order:
 *              the r-th (0-based) listener of the dead domain is the (r·A_d + 1)-th to
 *              finish, so its delay is A_d·q + h + (r·A_d + 1)·A_d·q
 *   new:       one poll, the event: q + h
 *   toolstack: one poll, XS_RELEASE, the event: q + 2h
 * `simulateReleaseStorm` runs this model
 * death by death; `runServerStorm` (storm-replay.ts) plays the same scenario through the
 * real server and hypervisor model (for small N) so tests can check that both agree.
 */
import { DESIGNS, type Design } from "./interfaces.js";

export interface StormParams {
  domains: number;
  listeners: number;
  deaths: number;
  design: Design;
  /** Domctl lock hold time of one query, in microseconds. */
  queryCostUs?: number;
  /** One message between processes (event or request), in microseconds. */
  hopUs?: number;
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
  /** Mean and worst delay from a death to its listeners' notification (µs; 0 if none). */
  notify_delay_us_mean: number;
  notify_delay_us_max: number;
}

export const DEFAULT_QUERY_COST_US = 1;
/** About half the 18.5 µs median READ round trip `xenmm xenstored bench` measures. */
export const DEFAULT_HOP_US = 10;

/** Refuses parameters the model has no meaning for (RangeError, one line). */
export function validateStormParams(p: StormParams): void {
  for (const k of ["domains", "listeners", "deaths"] as const)
    if (!Number.isSafeInteger(p[k]) || p[k] < 0) throw new RangeError(`${k} must be a non-negative integer`);
  if (p.deaths > p.domains) throw new RangeError(`deaths (${p.deaths}) cannot exceed domains (${p.domains})`);
  if (!DESIGNS.includes(p.design)) throw new RangeError(`design must be one of ${DESIGNS.join(", ")}`);
}

/** Messages between processes from a death to a listener's notification. */
export const HOPS: Readonly<Record<Design, number>> = { legacy: 1, new: 1, toolstack: 2 };

/** Sums notification delays into the run record's mean and max. */
export class DelayStats {
  private sum = 0;
  private count = 0;
  private max = 0;
  /** `times` notifications of `us` each. */
  add(us: number, times = 1): void {
    this.addSum(us * times, times, us);
  }
  addSum(sum: number, times: number, worst: number): void {
    this.sum += sum;
    this.count += times;
    if (times > 0 && worst > this.max) this.max = worst;
  }
  fields(): Pick<StormRun, "notify_delay_us_mean" | "notify_delay_us_max"> {
    return { notify_delay_us_mean: round6(this.count === 0 ? 0 : this.sum / this.count), notify_delay_us_max: round6(this.max) };
  }
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
  validateStormParams(p);
  const cost = p.queryCostUs ?? DEFAULT_QUERY_COST_US;
  const hop = p.hopUs ?? DEFAULT_HOP_US;
  const c = listenersPerDomain(p.domains, p.listeners);
  let active = p.domains === 0 ? 0 : p.listeners;
  let queries = 0, delivered = 0, irrelevant = 0;
  const delays = new DelayStats();
  for (let d = 1; d <= p.deaths; d++) {
    const alive = p.domains - d + 1;
    const mine = c[d]!;
    if (p.design === "legacy") {
      queries += alive; // xenstored's scan
      delivered += active; // plain @releaseDomain to every active listener
      queries += active * alive; // every listener re-scans
      irrelevant += active - mine;
      // Σ_{r<c} [A·q + h + (r·A + 1)·A·q], worst at r = c − 1.
      const first = alive * cost + hop;
      const sum = mine * first + alive * cost * (alive * (mine * (mine - 1)) / 2 + mine);
      delays.addSum(sum, mine, first + ((mine - 1) * alive + 1) * alive * cost);
    } else {
      queries += 2; // poll → the dead domain, poll → ENOENT
      delivered += mine;
      delays.add(cost + HOPS[p.design] * hop, mine);
    }
    active -= mine; // the dead domain's listeners stop
  }
  return {
    design: p.design, domains: p.domains, listeners: p.listeners, deaths: p.deaths,
    queries, lock_hold_ms: round6((queries * cost) / 1000), events_delivered: delivered, events_irrelevant: irrelevant,
    ...delays.fields(),
  };
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
