/**
 * The playground's ring workers in real Chromium (issue 12 §4): the page runs bench/ring.ts
 * with the async ring, ringbuf.js and a sync slot in nested Web Workers over SharedArrayBuffers,
 * and shows what they moved. Built with scripts/build-web.mjs, served by the built `xenmm serve`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium } from "../support/browser.js";

const REPO = new URL("../../", import.meta.url).pathname;
const CLI = `${REPO}dist/src/cli/main.js`;

let server: ChildProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  await promisify(execFile)(process.execPath, [`${REPO}scripts/build-web.mjs`], { cwd: REPO });
  server = spawn(process.execPath, [CLI, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (b: Buffer) => { out += b; const url = /http:\/\/\S+\//.exec(out); if (url) resolve(url[0]); });
    server.once("exit", (code) => reject(new Error(`xenmm serve exited (${code}):\n${out}`)));
  });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(base);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill("SIGKILL");
});

const cells = async (testid: string) =>
  page.locator(`[data-testid=${testid}] tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent ?? "")));

test("the real ring workers run in Web Workers and move events both ways", async () => {
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.click("[data-testid=ring-run]");
  await expect.poll(() => page.getAttribute("[data-testid=ring-workers]", "data-ring-ready"), { timeout: 120_000, interval: 500 }).toBe("true");
  expect(await page.getAttribute("[data-testid=ring-workers]", "data-ring-error")).toBeNull();
  const throughput = await cells("ring-throughput");
  expect(throughput.map(([impl, payload]) => `${impl} ${payload}`)).toEqual(["xenmm async ring 400 B", "ringbuf.js 400 B", "xenmm async ring 64 B", "ringbuf.js 64 B"]);
  for (const row of throughput) expect(Number(row[2])).toBeGreaterThan(0);
  expect((await cells("ring-ratio")).map((r) => r[0])).toEqual(["400B", "64B"]);
  const controls = await cells("ring-ratio-controls");
  expect(controls.map((r) => r[0])).toEqual([
    "400B: xenmm publishing each event / ringbuf.js", "64B: xenmm publishing each event / ringbuf.js",
    "400B: xenmm / ringbuf.js pushing the same groups", "64B: xenmm / ringbuf.js pushing the same groups",
  ]);
  for (const row of controls) expect(Number.parseFloat(row[1])).toBeGreaterThan(0);
  expect((await cells("ring-cost")).map((r) => r[0])).toEqual(["400 B", "64 B"]);
  const sync = await cells("ring-sync");
  expect(sync.map((r) => r[0])).toEqual(["spin-then-block", "block"]);
  for (const row of sync) expect(Number(row[3])).toBeGreaterThan(0);
  expect(pageErrors).toEqual([]);
}, 180_000);

test("the simulator section takes the agent policy and charts the share of async events lost", async () => {
  await expect.poll(() => page.getAttribute("[data-testid=vm-chart-loss-fraction]", "data-testid"), { timeout: 60_000 }).toBe("vm-chart-loss-fraction");
  const before = await page.textContent("[data-testid=vm-summary]");
  await page.selectOption("[data-testid=vm-agent]", "round-robin");
  await expect.poll(() => page.textContent("[data-testid=vm-summary]"), { timeout: 60_000 }).not.toBe(before);
  expect(pageErrors).toEqual([]);
}, 120_000);
