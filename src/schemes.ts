/**
 * The PDX scheme names, a leaf module: the arch profiles name their default scheme
 * without depending on the pdx folder.
 */
export type SchemeName = "none" | "mask" | "offset";
export const SCHEMES: readonly SchemeName[] = ["none", "mask", "offset"];
