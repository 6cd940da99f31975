import type { ArchName } from "../arch.js";

/** The architecture an input's own content identifies, and the evidence (docs/notes/pdx.md §2.1). */
export interface ArchHint {
  readonly arch: ArchName;
  readonly reason: string;
}
