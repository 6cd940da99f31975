import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";
import { didYouMean, quoteWord } from "./suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** "xenmm ring sim" from a usage text that starts "usage: xenmm ring sim [options]". */
function commandOf(usage: string): string {
  return /\bxenmm(?: [a-z][a-z0-9-]*(?=[\s[]|$))*/.exec(usage)?.[0] ?? "xenmm VERB";
}

/** A flag's value that is really the next flag (`--html --json`): refused unless written `--html=--json`. */
const looksLikeFlag = (value: string) => /^-[^\d.]/.test(value);

/**
 * Thrown by parseCommand for `--help`/`-h`: main prints the usage on stdout and exits 0,
 * so no verb handles help itself.
 */
export class HelpRequested {
  constructor(readonly usage: string) {}
}

/**
 * `util.parseArgs` with xenmm's own one-line messages: unknown flags (with the nearest
 * known one), missing or unexpected values, and more than `maxPositionals` arguments.
 * Node's own parse errors never reach the user. Every command takes `--help`/`-h`, which
 * wins over everything else on the line (HelpRequested).
 */
export function parseCommand<T extends Options>(argv: string[], verbOptions: T, usage: string, maxPositionals = Infinity): Parsed<T> {
  const options: Options = { ...verbOptions, help: { type: "boolean", short: "h" } };
  const known = Object.keys(options).flatMap((name) => {
    const short = options[name]!.short;
    return short === undefined ? [`--${name}`] : [`--${name}`, `-${short}`];
  });
  const help = `(see ${commandOf(usage)} --help)`;
  const { values, positionals, tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) throw new HelpRequested(usage);
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const flag = token.rawName;
    if (!Object.hasOwn(options, token.name)) throw new UsageError(`unknown flag ${quoteWord(flag)}${didYouMean(flag, known)} ${help}`);
    if (options[token.name]!.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value (got ${quoteWord(token.value)})`);
    } else if (token.value === undefined) {
      throw new UsageError(`${flag} needs a value`);
    } else if (!token.inlineValue && looksLikeFlag(token.value)) {
      throw new UsageError(`${flag} needs a value, not the flag ${quoteWord(token.value)} (write ${flag}=${token.value} if that is the value)`);
    }
  }
  if (positionals.length > maxPositionals)
    throw new UsageError(`unexpected argument ${quoteWord(positionals[maxPositionals]!)} ${help}`);
  // Every token is now one strict mode accepts, so the values have strict mode's shape.
  return { values, positionals } as Parsed<T>;
}

/**
 * Runs the sub-verb that `argv[0]` names, with the rest of argv; argv that is empty or
 * starts with a flag goes to `otherwise`. Any other first word is an unknown sub-verb.
 */
export function dispatch(command: string, argv: string[], subVerbs: Readonly<Record<string, (argv: string[]) => Promise<number>>>,
  otherwise: (argv: string[]) => Promise<number>): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith("-")) return otherwise(argv);
  if (!Object.hasOwn(subVerbs, first)) {
    const names = Object.keys(subVerbs);
    throw new UsageError(`${command}: unknown sub-verb ${quoteWord(first)}${didYouMean(first, names)} (sub-verbs: ${names.join(", ")})`);
  }
  return subVerbs[first]!(rest);
}

/** An integer flag within [min, max]; `fallback` when the flag is absent. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(value.trim())) throw new UsageError(`--${name}: ${quoteWord(value)} is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name}: ${quoteWord(value)} is outside ${min}..${max}`);
  return n;
}

/** A number flag (rates, times) that must be finite and within [min, max]. */
export function numberFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name}: ${quoteWord(value)} is not a number within ${min}..${max}`);
  return n;
}

/** A comma-separated list of integers, e.g. `--vcpus 1,2,4,8`. */
export function intListFlag(name: string, value: string | undefined, fallback: number[], min: number, max: number): number[] {
  if (value === undefined) return fallback;
  const parts = value.split(",");
  // Each entry is a whole run: a pasted list of 100,000 must not mean hours of work.
  if (parts.length > LIST_MAX) throw new UsageError(`--${name}: ${parts.length} entries; at most ${LIST_MAX}`);
  return parts.map((part) => intFlag(name, part, 0, min, max));
}

/** The most entries a list flag takes. */
export const LIST_MAX = 1024;

/** An option table of string flags (`--name VALUE`), for parseCommand. */
export function stringFlags<K extends string>(...names: K[]): Record<K, { type: "string" }> {
  return Object.fromEntries(names.map((n) => [n, { type: "string" }])) as Record<K, { type: "string" }>;
}

/** One of a fixed set of words. */
export function choiceFlag<C extends string>(name: string, value: string | undefined, fallback: C, choices: readonly C[]): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${name}: ${quoteWord(value)} is not one of ${choices.join(", ")}${didYouMean(value, choices)}`);
  return value as C;
}
