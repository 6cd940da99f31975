/**
 * `xenmm xenstored bench | bench-vs-c | soak`: the flags of the three xenstored suites,
 * parsed here so that bench/ takes plain option objects and never imports the CLI.
 */
import { cpus } from "node:os";
import { intFlag, parseCommand } from "./args.js";

const QUICK_JSON = { quick: { type: "boolean" }, json: { type: "string" } } as const;

/** `bench [--quick] [--json FILE]`: request latency and throughput over the unix socket. */
export async function xenstoreBench(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, QUICK_JSON, usage, 0);
  const { runXenstoreBench } = await import("../../bench/xenstore.js");
  return runXenstoreBench({ quick: !!values.quick, jsonPath: values.json ?? "out/bench-xenstore.json" });
}

/** `bench-vs-c [--quick] [--rounds N] [--cpu N|none] [--json FILE]`: latency against C xenstored. */
export async function xenstoreBenchVsC(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, { ...QUICK_JSON, rounds: { type: "string" }, cpu: { type: "string" } }, usage, 0);
  const { runXenstoreVsC } = await import("../../bench/xenstore-vs-c.js");
  const lastCpu = cpus().length - 1;
  return runXenstoreVsC({
    quick: !!values.quick, rounds: intFlag("rounds", values.rounds, values.quick ? 4 : 20, 1, 200),
    cpu: values.cpu === "none" ? null : intFlag("cpu", values.cpu, lastCpu, 0, lastCpu),
    jsonPath: values.json ?? "out/bench-xenstore-vs-c.json",
  });
}

/** `soak [--quick] [--seconds S] [--json FILE]`: hostile guests and clients for a bounded time. */
export async function xenstoreSoak(argv: string[], usage: string): Promise<number> {
  const { values } = parseCommand(argv, { ...QUICK_JSON, seconds: { type: "string" } }, usage, 0);
  const { runXenstoreSoak } = await import("../../bench/xenstore-soak.js");
  return runXenstoreSoak({
    seconds: intFlag("seconds", values.seconds, values.quick ? 10 : 30, 5, 3600),
    jsonPath: values.json ?? "out/bench-xenstore-soak.json",
  });
}
