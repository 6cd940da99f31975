/**
 * GET_QUOTA, SET_QUOTA and CONTROL (`xenstore-control`): the quotas and the server's
 * commands, with C's output formats.
 */
import { bytes, splitStrings } from "./codec.js";
import { DOMAIN_CONTROL_USAGE, controlDomain } from "./domain-control.js";
import { QUOTA_DESCRIPTIONS, QUOTA_NAMES, SOFT_QUOTA_NAMES, isQuotaName, type AnyQuotaName, type QuotaName } from "./quota.js";
import { OK, fail, parseDomid } from "./request-args.js";
import type { XenstoreServer } from "./server.js";

/** `CONTROL help`: one `command parameters` line each, as C prints it (`%-15s %s`). */
export const CONTROL_HELP = [
  ["check", ""],
  DOMAIN_CONTROL_USAGE,
  ["interfaces", ""],
  ["print", "<string>"],
  ["quota", "[set <name> <val>|<domid>]"],
  ["quota-soft", "[set <name> <val>]"],
  ["help", ""],
].map(([cmd, pars]) => `${cmd!.padEnd(15)} ${pars}\n`).join("");

export function getQuota(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  if (payload.length === 0) return bytes(`${s.quotas.names().join(" ")}\0`);
  const { strings, rest } = splitStrings(payload);
  if (rest.length > 0) fail("EINVAL");
  if (strings.length === 1) {
    const name = strings[0]!;
    if (!isQuotaName(name)) fail("EINVAL");
    return bytes(`${s.quotas.get(name)}\0`);
  }
  if (strings.length === 2) {
    const domid = parseDomid(strings[0]!);
    const name = strings[1]!;
    if (!isQuotaName(name)) fail("EINVAL");
    if (!s.domains.has(domid)) fail("ENOENT");
    return bytes(`${s.quotas.get(name, domid)}\0`);
  }
  return fail("EINVAL");
}

export function setQuota(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const { strings, rest } = splitStrings(payload);
  if (rest.length > 0 || strings.length < 2 || strings.length > 3) fail("EINVAL");
  const domid = strings.length === 3 ? parseDomid(strings[0]!) : undefined;
  const [name, value] = strings.slice(-2) as [string, string];
  if (!isQuotaName(name) || !/^\d+$/.test(value)) fail("EINVAL");
  if (domid !== undefined && !s.domains.has(domid)) fail("ENOENT");
  s.quotas.set(name, Number(value), domid);
  return OK;
}

/**
 * CONTROL: `help`, `check`, `print`, `quota [set NAME VALUE | DOMID]`,
 * `quota-soft [set memory VALUE]`, `interfaces`, `domain …`. Formats and argument rules
 * as C's control.c (master): an unknown command or a wrong argument count is EINVAL.
 */
export function control(s: XenstoreServer, payload: Uint8Array): Uint8Array {
  const { strings } = splitStrings(payload);
  const [cmd, ...rest] = strings;
  const noArgs = () => rest.length === 0 || fail("EINVAL");
  switch (cmd) {
    case "help":
      noArgs();
      return bytes(CONTROL_HELP + "\0");
    case "check":
      noArgs();
      return OK;
    case "print":
      if (rest.length !== 1) fail("EINVAL");
      s.log("info", `control: ${rest[0]}`);
      return OK;
    case "interfaces":
      return bytes(s.interfaces.report() + "\n\0");
    case "domain": {
      const result = controlDomain(s.hypervisor, rest);
      return "errno" in result ? fail(result.errno) : bytes(result.text + "\0");
    }
    case "quota":
    case "quota-soft":
      return controlQuota(s, cmd === "quota-soft", rest);
    default:
      return fail("EINVAL");
  }
}

function controlQuota(s: XenstoreServer, soft: boolean, rest: string[]): Uint8Array {
  if (rest.length === 0) return bytes(quotaSettings(s, soft) + "\0");
  if (rest[0] === "set") {
    const [, name, value] = rest;
    if (rest.length !== 3 || !/^\d+$/.test(value!) || Number(value) < 1) fail("EINVAL");
    const full = soft ? `soft-${name}` : name!;
    const settable: readonly string[] = soft ? SOFT_QUOTA_NAMES : QUOTA_NAMES;
    if (!isQuotaName(full) || !settable.includes(full)) fail("EINVAL");
    s.quotas.set(full, Number(value));
    return OK;
  }
  if (soft || rest.length !== 1) fail("EINVAL");
  const domid = parseDomid(rest[0]!);
  if (!s.domains.has(domid)) fail("ENOENT");
  const lines = QUOTA_NAMES.map((n) => `${n.padEnd(17)}: ${String(s.quotas.get(n, domid)).padStart(8)}`);
  return bytes(`Domain ${domid}:\n${lines.join("\n")}\n\0`);
}

/** `Quota settings:` and one `name: value description` line per enabled quota (C's format). */
function quotaSettings(s: XenstoreServer, soft: boolean): string {
  // C has one soft quota, memory's.
  const shown: ReadonlyArray<[QuotaName, AnyQuotaName]> = soft ? [["memory", "soft-memory"]] : QUOTA_NAMES.map((n) => [n, n]);
  const lines = shown.map(([n, setting]) => `${n.padEnd(17)}: ${String(s.quotas.get(setting)).padStart(8)} ${QUOTA_DESCRIPTIONS[n]}`);
  return `Quota settings:\n${lines.join("\n")}\n`;
}
