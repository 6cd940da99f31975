/** The survey of the embedded real-host corpus: what `xenmm survey` with no paths and `npm start` report. */
import { parseMemoryMap } from "../memmap/parse.js";
import { placeOnArch } from "../pdx/arch-choice.js";
import type { SurveySource } from "../pdx/survey.js";
import { REAL_HOSTS } from "./real-hosts.js";

export function corpusSources(): SurveySource[] {
  return REAL_HOSTS.map(({ file, text }) => ({
    file,
    load: () => placeOnArch(parseMemoryMap(text, { name: file })),
  }));
}
