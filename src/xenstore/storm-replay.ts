/**
 * The release-storm scenario of release-storm.ts played through the real server:
 * domains introduced with INTRODUCE, listeners as privileged in-process connections with
 * real WATCHes, deaths as hypervisor destructions raising VIRQ_DOM_EXC. Its run record
 * must equal the model's, which the tests check.
 */
import { MsgType, RELEASE_DOMAIN } from "./constants.js";
import { joinStrings, splitStrings, type Message } from "./codec.js";
import { Hypervisor } from "./hypervisor.js";
import {
  DEFAULT_HOP_US, DEFAULT_QUERY_COST_US, DelayStats, HOPS, round6, validateStormParams, type StormParams, type StormRun,
} from "./release-storm.js";
import { XenstoreServer } from "./server.js";
import { Toolstack } from "./toolstack.js";

/** Cost grows as N·M·K (N = 1000 takes most of a minute), so `onProgress` is told after each death. */
export function runServerStorm(p: StormParams, onProgress?: (deathsDone: number, deaths: number) => void): StormRun {
  validateStormParams(p);
  const cost = p.queryCostUs ?? DEFAULT_QUERY_COST_US;
  const hopNs = (p.hopUs ?? DEFAULT_HOP_US) * 1000 * HOPS[p.design];
  const hv = new Hypervisor(cost * 1000);
  const server = new XenstoreServer({ design: p.design, hypervisor: hv });
  if (p.design === "toolstack") new Toolstack(server, hv);
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
  const delays = new DelayStats();
  // The clock: lock hold so far (queries serialise on the domctl lock); deathAt = at the death.
  let deathAt = 0;
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
      else {
        delays.add((hv.lock.holdNs - deathAt + hopNs) / 1000);
        leaving.push(() => request(conn, MsgType.UNWATCH, [watchPath, "storm"]));
      }
    };
    const conn = server.connect({ domid: 0, privileged: true, send: onMessage, label: `listener${i}` });
    request(conn, MsgType.WATCH, [watchPath, "storm"]);
  }

  for (let d = 1; d <= p.deaths; d++) {
    deathAt = hv.lock.holdNs;
    hv.destroy(d);
    for (const leave of leaving.splice(0)) leave();
    onProgress?.(d, p.deaths);
  }
  // xenstored's and the listeners' queries all went through the same domctl lock.
  const queries = hv.lock.queries;
  return {
    design: p.design, domains: p.domains, listeners: p.listeners, deaths: p.deaths,
    queries, lock_hold_ms: round6(hv.lock.holdNs / 1e6), events_delivered: delivered, events_irrelevant: irrelevant,
    ...delays.fields(),
  };
}
