#!/usr/bin/env node
/**
 * The `xenmm` command: one verb per file in this folder, loaded on demand so that
 * `xenmm pdx` does not pay for the xenstored server or the benchmark suites.
 */
import { XenmmError } from "../errors.js";

export interface Verb {
  /** One line for `xenmm help`. */
  summary: string;
  /** Runs the verb; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}

const verbs: Record<string, () => Promise<{ verb: Verb }>> = {
  report: () => import("./report.js"),
  pdx: () => import("./pdx.js"),
  bench: () => import("./bench.js"),
  ring: () => import("./ring.js"),
  xenstored: () => import("./xenstored.js"),
  serve: () => import("./serve.js"),
};

async function help(): Promise<string> {
  const lines = ["usage: xenmm VERB [options]   (xenmm VERB --help for a verb's options)", ""];
  for (const [name, load] of Object.entries(verbs)) {
    const summary = await load().then((m) => m.verb.summary, () => "(not built)");
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(await help());
    return 0;
  }
  const load = verbs[name];
  if (!load) {
    console.error(`xenmm: unknown verb '${name}'\n${await help()}`);
    return 2;
  }
  const { verb } = await load();
  return verb.run(rest);
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    if (e instanceof XenmmError) {
      console.error(`xenmm: ${e.message}`);
      process.exitCode = 2;
    } else {
      throw e;
    }
  },
);
