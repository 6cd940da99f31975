/** Runs the built CLI expecting a refusal: exit status 2 and a one-line message naming `flag`. */
import { expect } from "vitest";
import { xenmm } from "../run-cli.js";

export async function expectRefused(flag: string, ...args: string[]): Promise<void> {
  const r = await xenmm(...args);
  expect(r.code, args.join(" ")).toBe(2);
  expect(r.stderr).toContain(flag);
}
