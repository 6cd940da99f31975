export async function runXenstoreBench(_argv: string[], _usage: string): Promise<number> {
  throw new Error("not yet");
}
