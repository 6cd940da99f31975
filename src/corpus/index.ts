import { REAL_HOSTS } from "./real-hosts.js";

export { REAL_HOSTS };

/** An embedded corpus log by its name (`real-hosts/03-supermicro-h8qg6.log`), or undefined. */
export function corpusLog(file: string): { file: string; text: string } | undefined {
  return REAL_HOSTS.find((e) => e.file === file);
}
