/**
 * The survey's one-paragraph answer to the technical-debt notes' question ("typically
 * ARM32 systems have RAM banks in discrete locations … ARM64 and x86 systems have RAM
 * packed from 0 with no holes"; goal: CONFIG_PDX selected by ARM32 only), written from the
 * per-arch numbers alone, so it changes when the data does.
 */
import type { ArchAggregate } from "./survey.js";

const pct = (n: number, of: number) => `${of ? Math.round((100 * n) / of) : 0}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const base = (file: string) => file.replace(/^.*\//, "").replace(/\.[^.]*$/, "");

function archSentence(arch: string, a: ArchAggregate): string {
  const breaks = a.pdx_none_breaks === 0 ? "none would break without PDX"
    : [a.pdx_none_loses_ram && `${plural(a.pdx_none_loses_ram, "machine")} would lose RAM beyond the frame table`,
      a.pdx_none_frametable_too_small && `${plural(a.pdx_none_frametable_too_small, "machine")} would exceed the frame table ("Frametable too small")`]
      .filter(Boolean).join(" and ") + " with CONFIG_PDX_NONE";
  return `${arch}: the default scheme compresses ${a.compress} of ${a.machines} (${pct(a.compress, a.machines)}), median saving ${a.median_saving}×, max ${a.max_saving}×${a.max_saving_file ? ` (${base(a.max_saving_file)})` : ""}; ${breaks}.`;
}

export function surveyAnswer(byArch: Readonly<Record<string, ArchAggregate>>, failed: number): string {
  const arches = Object.keys(byArch);
  const total = arches.reduce((n, a) => n + byArch[a].machines, 0);
  if (total === 0) return `No machine could be read${failed ? ` (${plural(failed, "input")} failed)` : ""}, so the survey cannot answer.`;
  const out = [`Of ${plural(total, "machine")} surveyed${failed ? ` (${failed} more could not be read)` : ""}:`, ...arches.map((a) => archSentence(a, byArch[a]))];

  const packed = ["x86-64", "arm64"].filter((a) => byArch[a]);
  if (packed.length) {
    const verdicts = packed.map((a) => (byArch[a].compress === 0 ? (byArch[a].machines === 1 ? `holds for the one ${a} machine` : `holds for all ${byArch[a].machines} ${a} machines`) : `fails for ${byArch[a].compress} of ${byArch[a].machines} ${a} machines, whose holes the default scheme compresses`));
    const mixed = new Set(packed.map((a) => byArch[a].compress === 0)).size > 1;
    out.push(`The notes' claim that ${packed.join(" and ")} RAM is packed from 0 with no holes ${verdicts.join(mixed ? " but " : " and ")}.`);
    const broken = packed.filter((a) => byArch[a].pdx_none_breaks > 0);
    out.push(broken.length === 0
      ? `No ${packed.join(" or ")} machine here needs PDX to boot with all its RAM, which supports selecting CONFIG_PDX for ARM32 only, as far as this sample goes.`
      : `${broken.map((a) => plural(byArch[a].pdx_none_breaks, `${a} machine`)).join(" and ")} would fail to boot or lose RAM under CONFIG_PDX_NONE, so the data does not support selecting CONFIG_PDX for ARM32 only.`);
  }
  const arm32 = byArch.arm32;
  out.push(!arm32
    ? "The sample has no ARM32 machine, so it says nothing about ARM32's discrete banks."
    : arm32.compress > 0
      ? `${arm32.compress} of ${plural(arm32.machines, "ARM32 machine")} have banks in discrete locations that the default scheme compresses, as the notes expect.`
      : `${arm32.machines === 1 ? "The one ARM32 machine has no" : `None of the ${arm32.machines} ARM32 machines has`} banks the default scheme compresses, so the sample does not confirm ARM32's discrete banks.`);
  return out.join(" ");
}
