#!/usr/bin/env node
/**
 * The `xenmm` command: one verb per file in this folder, loaded on demand so that
 * `xenmm pdx` does not pay for the xenstored server or the benchmark suites.
 *
 * Exit status: 0 done, 2 refused input, 1 a bug in xenmm (failure.ts).
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";
import { HelpRequested } from "./args.js";
import { reportFailure } from "./failure.js";
import { didYouMean, quoteWord } from "./suggest.js";
import type { Verb } from "./verb.js";

const verbs = new Map<string, () => Promise<{ verb: Verb }>>([
  ["report", () => import("./report.js")],
  ["pdx", () => import("./pdx.js")],
  ["survey", () => import("./survey.js")],
  ["bench", () => import("./bench.js")],
  ["ring", () => import("./ring.js")],
  ["xenstored", () => import("./xenstored.js")],
  ["serve", () => import("./serve.js")],
]);

/** Flags that come before the verb; --debug may also appear anywhere before `--`. */
const GLOBAL_FLAGS = ["--help", "-h", "--version", "-V", "--debug"];

function version(): string {
  try {
    // dist/src/cli/main.js → the package root, in the repository and in an installed package.
    return (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "(version unknown: package.json unreadable)";
  }
}

async function help(): Promise<string> {
  const lines = [
    "usage: xenmm VERB [options]   (xenmm help VERB, or xenmm VERB --help, for a verb's options)",
    "       xenmm --version | --help;  --debug shows the stack of an internal error",
    "",
  ];
  for (const [name, load] of verbs) {
    const summary = await load().then((m) => m.verb.summary, () => "(not built)");
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  return lines.join("\n");
}

async function runVerb(name: string, argv: string[]): Promise<number> {
  const load = verbs.get(name);
  if (load) return (await load()).verb.run(argv);
  const names = [...verbs.keys()];
  if (name.startsWith("-")) throw new UsageError(`unknown flag ${quoteWord(name)}${didYouMean(name, GLOBAL_FLAGS)} (xenmm --help lists the verbs)`);
  throw new UsageError(`unknown verb ${quoteWord(name)}${didYouMean(name, names)} (verbs: ${names.join(", ")})`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    console.log(version());
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    console.log(await help());
    return 0;
  }
  // `xenmm help ring sim` is `xenmm ring sim --help`.
  if (name === "help") return runVerb(rest[0]!, [...rest.slice(1), "--help"]);
  return runVerb(name, rest);
}

const args = process.argv.slice(2);
const terminator = args.indexOf("--");
const before = terminator < 0 ? args : args.slice(0, terminator);
const debug = before.includes("--debug");
const argv = debug ? [...before.filter((a) => a !== "--debug"), ...(terminator < 0 ? [] : args.slice(terminator))] : args;

// Errors thrown from event handlers (a socket, a worker) end the run the same way.
// On a terminal, start at column 0 over any progress line the run had drawn.
const toStderr = (line: string) => console.error(process.stderr.isTTY ? `\r\x1b[K${line}` : line);
const fail = (e: unknown) => reportFailure(e, { debug, version: version(), write: toStderr });
const fatal = (e: unknown) => process.exit(fail(e));
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);
// `xenmm … | head` closing the pipe early is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : fatal(e)));

main(argv).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    if (e instanceof HelpRequested) console.log(e.usage);
    process.exitCode = e instanceof HelpRequested ? 0 : fail(e);
  },
);
