/** Where a benchmark ran: printed with every table and stored in every JSON result. */
export interface MachineInfo { cpu: string; cores: number; runtime: string; platform: string; date: string }

export async function machineInfo(): Promise<MachineInfo> {
  const date = new Date().toISOString();
  if (typeof process !== "undefined" && process.versions?.node) {
    const os = await import("node:os");
    const cpus = os.cpus();
    return { cpu: cpus[0]?.model.trim() ?? "unknown", cores: cpus.length, runtime: `Node ${process.version}`, platform: `${os.platform()} ${os.arch()}`, date };
  }
  return { cpu: "unknown (browser)", cores: navigator.hardwareConcurrency ?? 0, runtime: navigator.userAgent, platform: "browser", date };
}
