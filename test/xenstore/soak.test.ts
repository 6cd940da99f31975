/**
 * `xenmm xenstored soak` as a user runs it, for 5 seconds: every attack is answered by
 * the defence meant for it, each domain stays under its memory quota, and what the
 * server holds after the attackers leave is back near where it started.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { SoakRow } from "../../bench/xenstore-soak.js";
import { xenmm } from "../run-cli.js";

it("xenmm xenstored soak --seconds 5: drops counted, memory bounded and given back", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xenmm-soak-"));
  const out = join(dir, "soak.json");
  const r = await xenmm("xenstored", "soak", "--seconds", "5", "--json", out);
  expect(r.code).toBe(0);
  const { rows, quotas } = JSON.parse(await readFile(out, "utf8")) as { rows: SoakRow[]; quotas: { memory: number } };
  const row = (attack: string) => rows.find((x) => x.attack === attack)!;
  expect(rows.map((x) => x.attack)).toEqual(["flood-same", "flood-new", "stale", "overlong", "deaf-socket", "slow-readers"]);
  // 128 watches of 1020 bytes and at most one pending copy of each of their 1038-byte events.
  expect(row("flood-same").duplicate).toBeGreaterThan(0);
  expect(row("flood-same").max_domain_bytes).toBeLessThanOrEqual(128 * 1020 + 128 * 1038);
  expect(row("flood-new").memory).toBeGreaterThan(0);
  expect(row("flood-new").max_domain_bytes).toBeLessThan(quotas.memory);
  expect(row("stale").timeout).toBeGreaterThan(0);
  expect(row("overlong").overlong).toBe(row("overlong").requests);
  // 5,000 distinct children: identical events merge while they wait, the rest stop at 1 MiB.
  expect(row("deaf-socket").duplicate).toBeGreaterThan(0);
  expect(row("deaf-socket").backlog).toBeGreaterThan(0);
  // Before the read-pausing bound, 30 such clients added ~489 MiB that stayed after they left.
  expect(row("slow-readers").peak_rss_mib).toBeLessThan(400);
  for (const x of rows) expect(x.js_after_mib).toBeLessThan(25);
  await rm(dir, { recursive: true, force: true });
});
