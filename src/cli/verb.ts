/** One `xenmm` verb: what main.ts loads on demand and every src/cli/<verb>.ts exports. */
export interface Verb {
  /** One line for `xenmm help`. */
  summary: string;
  /** Runs the verb; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}
