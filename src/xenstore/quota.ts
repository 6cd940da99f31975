/**
 * Per-domain quotas (docs/notes/xenstore.md §5), C xenstored's defaults. They apply to
 * unprivileged domains only; the privileged domain and socket connections are exempt.
 * A value of 0 disables a quota. GET/SET_QUOTA and `CONTROL quota` read and change them.
 */

import { REL_PATH_MAX } from "./constants.js";

export const QUOTA_NAMES = [
  "nodes", "watches", "outstanding", "memory", "transactions", "transaction-nodes",
  "node-permissions", "path-max", "node-size",
] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];
/** Soft quotas only warn (C logs to syslog); `soft-memory` is the one enabled by default. */
export const SOFT_QUOTA_NAMES = ["soft-memory"] as const;
export type AnyQuotaName = QuotaName | (typeof SOFT_QUOTA_NAMES)[number];

export const DEFAULT_QUOTAS: Readonly<Record<AnyQuotaName, number>> = {
  nodes: 1000,
  watches: 128,
  outstanding: 20,
  memory: 2_621_440, // 2.5 MiB
  transactions: 10,
  "transaction-nodes": 1024,
  "node-permissions": 5,
  "path-max": REL_PATH_MAX,
  "node-size": 2048,
  "soft-memory": 2_097_152, // 2 MiB
};

/** What `CONTROL quota` prints beside each value (C xenstored master, tools/xenstored/domain.c). */
export const QUOTA_DESCRIPTIONS: Readonly<Record<QuotaName, string>> = {
  nodes: "Nodes per domain",
  watches: "Watches per domain",
  outstanding: "Outstanding requests per domain",
  memory: "Total Xenstore memory per domain",
  transactions: "Active transactions per domain",
  "transaction-nodes": "Max. number of accessed nodes per transaction",
  "node-permissions": "Max. number of permissions per node",
  "path-max": "Max. length of a node path",
  "node-size": "Max. size of a node",
};

export function isQuotaName(s: string): s is AnyQuotaName {
  return Object.prototype.hasOwnProperty.call(DEFAULT_QUOTAS, s);
}

/** Global quota values plus per-domain overrides (SET_QUOTA domid name value). */
export class Quotas {
  private readonly global: Record<AnyQuotaName, number> = { ...DEFAULT_QUOTAS };
  private readonly perDomain = new Map<number, Partial<Record<AnyQuotaName, number>>>();

  get(name: AnyQuotaName, domid?: number): number {
    if (domid !== undefined) {
      const own = this.perDomain.get(domid)?.[name];
      if (own !== undefined) return own;
    }
    return this.global[name];
  }

  set(name: AnyQuotaName, value: number, domid?: number): void {
    if (domid === undefined) {
      this.global[name] = value;
      return;
    }
    const own = this.perDomain.get(domid) ?? {};
    own[name] = value;
    this.perDomain.set(domid, own);
  }

  /** Forget a dead domain's overrides. */
  dropDomain(domid: number): void {
    this.perDomain.delete(domid);
  }

  /** `true` if `current + adding` would exceed `name` for `domid` (0 = unlimited). */
  exceeds(name: AnyQuotaName, domid: number, current: number, adding = 1): boolean {
    const limit = this.get(name, domid);
    return limit !== 0 && current + adding > limit;
  }

  /** The names GET_QUOTA with an empty payload lists: every hard quota and enabled soft ones. */
  names(): string[] {
    return [...QUOTA_NAMES, ...SOFT_QUOTA_NAMES.filter((n) => this.global[n] !== 0)];
  }
}

/**
 * Memory charged to each unprivileged domain (C xenstored's `memory` quota): bytes of
 * messages queued for it and of its watches. At the hard quota new events for it are
 * dropped, its ring is not read and WATCH answers ENOMEM; crossing the soft quota logs
 * one warning, and falling back below it one note; the first refusal at the hard quota
 * logs an error (C's syslog lines; C also spaces them at least 5 s apart, we do not).
 */
export class DomainMemory {
  private readonly used = new Map<number, number>();
  private readonly overSoft = new Set<number>();
  private readonly overHard = new Set<number>();

  constructor(
    private readonly quotas: Quotas,
    private readonly warn: (level: "error" | "warn" | "info", text: string) => void = () => {},
  ) {}

  of(domid: number): number {
    return this.used.get(domid) ?? 0;
  }

  add(domid: number, delta: number): void {
    const now = this.of(domid) + delta;
    if (now === 0) this.used.delete(domid);
    else this.used.set(domid, now);
    const soft = this.quotas.get("soft-memory", domid);
    if (soft !== 0 && now >= soft && !this.overSoft.has(domid)) {
      this.overSoft.add(domid);
      this.warn("warn", `dom${domid} exceeds soft memory quota (${now} ≥ ${soft} bytes)`);
    } else if (now < soft && this.overSoft.delete(domid)) {
      this.warn("info", `dom${domid} below soft memory quota again`);
    }
    if (!this.wouldExceed(domid, 0) && this.overHard.delete(domid)) this.warn("info", `dom${domid} below hard memory quota again`);
  }

  /** Whether `adding` more bytes may be charged; the first refusal is logged. */
  admit(domid: number, adding: number): boolean {
    if (!this.wouldExceed(domid, adding)) return true;
    if (!this.overHard.has(domid)) {
      this.overHard.add(domid);
      this.warn("error", `dom${domid} exceeds hard memory quota (${this.quotas.get("memory", domid)} bytes): its events are dropped, its ring is not read`);
    }
    return false;
  }

  /** `true` if charging `adding` more bytes would reach the hard quota (C: `mem >= hard`). */
  wouldExceed(domid: number, adding: number): boolean {
    const hard = this.quotas.get("memory", domid);
    return hard !== 0 && this.of(domid) + adding >= hard;
  }

  /** At or over the hard quota: stop reading the domain's requests. */
  atHardQuota(domid: number): boolean {
    return this.wouldExceed(domid, 0);
  }

  dropDomain(domid: number): void {
    this.used.delete(domid);
    this.overSoft.delete(domid);
    this.overHard.delete(domid);
  }
}
