/**
 * The playground in real Chromium (a system Chromium, or the one @sparticuz/chromium ships;
 * driven by playwright-core; no browser download): built with scripts/build-web.mjs, served by the built
 * `xenmm serve`, then each section is exercised the way a person would use it. A
 * screenshot of every section goes to test-results/screenshots/ (also on failure).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { existsSync, mkdirSync } from "node:fs";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { catalogueEntry } from "../../src/catalogue.js";
import { launchChromium } from "../support/browser.js";

const run = promisify(execFile);
const REPO = new URL("../../", import.meta.url).pathname;
const CLI = `${REPO}dist/src/cli/main.js`;
const SHOTS = `${REPO}test-results/screenshots/`;
/** Maps whose page JSON must equal `xenmm pdx ID --arch ARCH --json` (mask, offset and no compression among them). */
const PDX_MAPS: Array<{ id: string; scheme?: string }> = [
  { id: "arm-fvp" }, { id: "intel-gnr-4s" }, { id: "xen-9" }, { id: "calxeda-midway" }, { id: "amd-versal-gen2", scheme: "mask" }, { id: "dell-r740", scheme: "offset" },
];

let server: ChildProcess;
let base: string;
let browser: Browser;
let page: Page;
const foreign: string[] = [];
const pageErrors: string[] = [];

/** Starts `xenmm serve --port 0` and resolves with the URL it prints. */
function startServer(): Promise<string> {
  server = spawn(process.execPath, [CLI, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (b: Buffer) => {
      out += b;
      const url = /http:\/\/\S+\//.exec(out);
      if (url) resolve(url[0]);
    });
    server.stderr!.on("data", (b: Buffer) => { out += b; });
    server.once("exit", (code) => reject(new Error(`xenmm serve exited (${code}) before listening:\n${out}`)));
  });
}

async function shot(name: string, selector?: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  if (selector) await page.locator(selector).screenshot({ path: `${SHOTS}${name}.png` });
  else await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Runs a test body; on failure saves a full-page screenshot named after it, then fails. */
async function withShot(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await shot(`FAILED-${name}`).catch(() => {});
    throw e;
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  await run(process.execPath, [`${REPO}scripts/build-web.mjs`], { cwd: REPO });
  base = await startServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (r) => { if (!r.url().startsWith(base) && !/^(data|blob):/.test(r.url())) foreign.push(r.url()); });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill("SIGKILL");
});

describe("playground in Chromium", () => {
  test("the server sends the isolation headers and the page is cross-origin isolated", async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect((await fetch(`${base}assets/../../package.json`)).status).not.toBe(200);
    expect((await fetch(`${base}nope.wasm`)).status).toBe(404);
    // URL parsers would normalise "%2e%2e": send the escape attempt as a raw request path.
    const { hostname, port } = new URL(base);
    const escape = await new Promise<number>((resolve, reject) =>
      request({ hostname, port, path: "/%2e%2e/%2e%2e/package.json" }, (r) => { r.resume(); resolve(r.statusCode!); }).on("error", reject).end());
    expect(escape).toBe(400);
    expect((await fetch(base, { method: "POST" })).status).toBe(405);
    await withShot("load", async () => {
      await page.goto(base);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await expect.poll(() => page.getAttribute("[data-testid=isolation]", "data-isolated")).toBe("true");
    });
  });

  test("PDX: the page shows the same parameters as xenmm pdx --json", async () => {
    await withShot("pdx", async () => {
      const json = page.locator("[data-testid=pdx-json]");
      for (const { id, scheme } of PDX_MAPS) {
        const arch = catalogueEntry(id)!.arch;
        await page.selectOption("[data-testid=pdx-scheme]", scheme ?? "auto");
        await page.selectOption("[data-testid=pdx-map]", id);
        await expect.poll(async () => JSON.parse((await json.textContent()) || "{}").map, { timeout: 10_000 }).toBe(id);
        await expect.poll(async () => JSON.parse((await json.textContent()) || "{}").scheme).toBe(scheme ?? JSON.parse((await json.textContent())!).default_scheme);
        const { stdout } = await run(process.execPath, [CLI, "pdx", id, "--arch", arch, "--json", ...(scheme ? ["--scheme", scheme] : [])]);
        expect(JSON.parse((await json.textContent())!), `${id} on ${arch}`).toEqual(JSON.parse(stdout));
      }
      // The probe agrees with the CLI's WASM probe (offset compression on x86-64's Granite Rapids).
      await page.selectOption("[data-testid=pdx-scheme]", "auto");
      await page.selectOption("[data-testid=pdx-map]", "intel-gnr-4s");
      await page.fill("[data-testid=pdx-probe]", "0x63e80123");
      const { stdout } = await run(process.execPath, [CLI, "pdx", "intel-gnr-4s", "--arch", "x86-64", "--json", "--probe", "0x63e80123"]);
      const cli = JSON.parse(stdout).probes[0];
      expect(cli.pdx).not.toBe(cli.pfn);
      await expect.poll(() => page.locator("[data-testid=pdx-probe-out] td").nth(1).textContent()).toBe(cli.pdx);
      await expect(page.locator("[data-testid=pdx-offsets]").count()).resolves.toBe(1);
      await shot("pdx-offset", "#pdx");
      // A mask map draws the bit diagram; a parse error is shown, not thrown.
      await page.selectOption("[data-testid=pdx-scheme]", "mask");
      await page.selectOption("[data-testid=pdx-map]", "amd-versal-gen2");
      await page.locator("[data-testid=pdx-bits]").waitFor();
      await shot("pdx", "#pdx");
      await page.fill("[data-testid=pdx-text]", "0x1000 0x800");
      await expect.poll(() => page.textContent("[data-testid=pdx-error]")).toMatch(/0x800|end|above/);
    });
  });

  test("xenstored: the console round-trips a write, a read and a watch event", async () => {
    await withShot("xenstore", async () => {
      await page.locator("#xenstore[data-ready=true]").waitFor();
      const input = page.locator("[data-testid=xs-input]");
      const send = async (line: string) => { await input.fill(line); await input.press("Enter"); };
      await send("watch /local/domain/0/demo tok");
      await send("write /local/domain/0/demo/greeting hello xen");
      await send("read /local/domain/0/demo/greeting");
      const log = page.locator("[data-testid=xs-log]");
      await expect.poll(() => log.locator("li.ok").allTextContents()).toContain("hello xen");
      await expect.poll(() => log.locator("li.event").allTextContents()).toContain("event /local/domain/0/demo/greeting tok");
      await send("read /local/domain/0/nothing");
      await expect.poll(() => log.locator("li.err").allTextContents()).toContain("error ENOENT");
      // A transaction, and a guest's life: introduce, then destroy fires @releaseDomain.
      await send("start");
      await send("write /local/domain/0/demo/tx inside");
      await send("commit");
      await expect.poll(() => log.allTextContents().then((t) => t.join("\n"))).toMatch(/OK \(transaction \d+ committed\)/);
      await send("watch @releaseDomain/1 dom1"); // the new design's per-domain notification
      await page.click("[data-testid=xs-introduce]");
      await expect.poll(() => page.textContent("[data-testid=xs-domains]")).toContain("dom1: running, introduced");
      await page.click("text=Destroy dom1");
      await expect.poll(() => log.locator("li.event").allTextContents()).toContain("event @releaseDomain/1 dom1");
      await expect.poll(() => page.textContent("[data-testid=xs-tree]")).toContain('greeting = "hello xen"');
      await expect(page.locator("[data-testid=storm-chart] svg").count()).resolves.toBe(1);
      await shot("xenstore", "#xenstore");
    });
  });

  test("vm_event: the simulator draws both designs, and redraws from the keyboard", async () => {
    await withShot("vmevent", async () => {
      const section = page.locator("#vmevent");
      await page.locator("#vmevent[data-ready=true]").waitFor({ timeout: 20_000 });
      for (const id of ["vm-chart-blocked", "vm-chart-lost"]) {
        const text = await page.locator(`[data-testid=${id}] svg`).textContent();
        expect(text, id).toMatch(/legacy/);
        expect(text, id).toMatch(/new/);
        expect(await page.locator(`[data-testid=${id}] svg path, [data-testid=${id}] svg polyline`).count(), id).toBeGreaterThanOrEqual(2);
      }
      const before = await page.textContent("[data-testid=vm-summary]");
      await page.focus("[data-testid=vm-pages]");
      await page.keyboard.press("ArrowRight");
      await expect.poll(() => section.getAttribute("data-ready")).toBe("false");
      await page.locator("#vmevent[data-ready=true]").waitFor({ timeout: 20_000 });
      expect(await page.textContent("[data-testid=vm-summary]")).not.toBe(before);
      await shot("vmevent", "#vmevent");
    });
  });

  test("benchmark: the PDX suite runs to completion in the page (quick, with Web Workers), then its one-thread rows in a Web Worker", async () => {
    await withShot("bench", async () => {
      await page.selectOption("[data-testid=bench-mode]", "quick");
      await page.click("[data-testid=bench-run]");
      await page.locator("#bench[data-state=done], #bench[data-state=failed]").waitFor({ timeout: 240_000 });
      expect(await page.textContent("[data-testid=bench-status]")).toMatch(/^Done/);
      const rows = await page.locator("[data-testid=bench-table] tbody tr").allTextContents();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((r) => r.includes("wasm-simd") && /\b2\b/.test(r))).toBe(true); // two-thread rows ran
      await expect(page.locator("[data-testid=bench-chart] svg").count()).resolves.toBe(1);
      // the worker's one-thread pfn_to_pdx rows: every quick map, scheme and impl, each with
      // the page's number, the worker's and (for every row Node's README run has) Node's
      const cells = await page.locator("[data-testid=bench-worker-table] tbody tr").evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      const quick = ["arm-fvp none", "arm-fvp mask", "arm-fvp offset", "intel-gnr-4s none", "intel-gnr-4s offset"];
      const impls = ["wasm-simd", "wasm-batch", "wasm-call", "js-bigint", "js-number"];
      expect(cells.map((c) => c.slice(0, 3).join(" ")).sort()).toEqual(quick.flatMap((m) => impls.map((i) => `${m} ${i}`)).sort());
      for (const [, , , main, worker, node] of cells) {
        for (const x of [main, worker, node]) expect(Number(x)).toBeGreaterThan(0);
      }
      await shot("bench", "#bench");
    });
  }, 300_000);

  test("on a phone-sized screen nothing is wider than the screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await phone.goto(base);
      await phone.locator("#vmevent[data-ready=true]").waitFor({ timeout: 20_000 });
      await phone.locator("#xenstore[data-ready=true]").waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${SHOTS}phone.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  });

  test("nothing left the origin and the page logged no errors", async () => {
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
    await shot("playground");
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test("xenmm serve stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
