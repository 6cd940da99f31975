/**
 * The domain requests: INTRODUCE, RELEASE, RESUME, SET_TARGET, IS_DOMAIN_INTRODUCED,
 * GET_DOMAIN_PATH, GET_FEATURE and SET_FEATURE.
 */
import { DOMID_SELF, INTRODUCE_DOMAIN, RELEASE_DOMAIN, SERVER_FEATURES } from "./constants.js";
import { bytes, splitStrings } from "./codec.js";
import type { Connection } from "./connection.js";
import type { Domain } from "./domains.js";
import { fireSpecial } from "./events.js";
import { domainPath } from "./paths.js";
import { OK, args, fail, oneArg, parseDomid } from "./request-args.js";
import type { XenstoreServer } from "./server.js";

export function introduceDomain(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const { strings } = splitStrings(payload);
  if (strings.length < 3) fail("EINVAL");
  const [rawDomid, rawGfn, rawEvtchn] = strings as [string, string, string];
  const domid = parseDomid(rawDomid);
  if (!/^\d+$/.test(rawGfn) || !/^-?\d+$/.test(rawEvtchn)) fail("EINVAL");
  const gfn = BigInt(rawGfn);
  const evtchn = Number(rawEvtchn);
  if (evtchn <= 0) fail("EINVAL");
  // The privileged domain is always known: introducing it again changes nothing (C).
  if (domid === s.privDomid) return OK;
  const known = s.domains.get(domid);
  if (known) {
    // Re-introduction (resume): rebind the event channel, reset the connection.
    known.evtchn = evtchn;
    if (s.ringProvider?.reconnect) s.ringProvider.reconnect(known);
    else known.conn?.discard();
    s.interfaces.use("event channels");
    return OK;
  }
  const domain: Domain = {
    domid, gfn, evtchn, shutdownNotified: false,
    features: s.domains.pendingFeatures.get(domid) ?? SERVER_FEATURES,
  };
  s.domains.pendingFeatures.delete(domid);
  s.domains.add(domain);
  s.interfaces.use("ring mapping");
  s.interfaces.use("event channels");
  domain.conn = s.ringProvider?.attach(domain) ?? undefined;
  if (domain.conn) domain.conn.features = domain.features;
  s.log("info", `introduced dom${domid} (gfn ${gfn}, evtchn ${evtchn})`);
  fireSpecial(s, INTRODUCE_DOMAIN, domid);
  fireSpecial(s, INTRODUCE_DOMAIN, undefined);
  return OK;
}

export function releaseDomain(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const domid = parseDomid(oneArg(payload));
  if (domid === s.privDomid) fail("EINVAL");
  if (!s.domains.has(domid)) fail("ENOENT");
  s.destroyDomain(domid);
  fireSpecial(s, RELEASE_DOMAIN, undefined);
  return OK;
}

export function resumeDomain(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const domid = parseDomid(oneArg(payload));
  if (domid === s.privDomid) fail("EINVAL"); // C: domid 0 is refused before the lookup
  const domain = s.domains.get(domid) ?? fail("ENOENT");
  domain.shutdownNotified = false;
  return OK;
}

export function setTarget(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const { strings } = splitStrings(payload);
  if (strings.length < 2) fail("EINVAL"); // C ignores further arguments
  const domid = parseDomid(strings[0]!);
  const target = parseDomid(strings[1]!);
  // The privileged domain is always known; giving it a target changes nothing (it may do everything).
  const known = (d: number) => d === s.privDomid || s.domains.has(d);
  if (!known(domid) || !known(target)) fail("ENOENT");
  const domain = s.domains.get(domid);
  if (!domain) return OK;
  domain.target = target;
  // Every connection speaking for the domain (its ring, or in-process peers) acts for the target too.
  for (const c of s.connections) if (c.domid === domain.domid) c.target = target;
  return OK;
}

export function isIntroduced(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const domid = parseDomid(oneArg(payload));
  const yes = domid === DOMID_SELF || domid === s.privDomid || s.domains.has(domid);
  return bytes(yes ? "T\0" : "F\0");
}

export function getDomainPath(payload: Uint8Array): Uint8Array {
  return bytes(`${domainPath(parseDomid(oneArg(payload)))}\0`);
}

export function getFeature(s: XenstoreServer, conn: Connection, payload: Uint8Array): Uint8Array {
  if (payload.length === 0) return bytes(`${conn.features}\0`);
  if (!conn.privileged) fail("EACCES");
  const domid = parseDomid(oneArg(payload));
  const features = s.domains.get(domid)?.features ?? s.domains.pendingFeatures.get(domid) ?? fail("ENOENT");
  return bytes(`${features}\0`);
}

export function setFeature(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const [a, b] = args(payload, 2) as [string, string];
  const domid = parseDomid(a);
  if (!/^\d+$/.test(b)) fail("EINVAL");
  const value = Number(b);
  if ((value & ~SERVER_FEATURES) !== 0 || value > 0xffffffff) fail("EINVAL");
  if (s.domains.has(domid)) fail("EBUSY");
  s.domains.pendingFeatures.set(domid, value);
  return OK;
}
