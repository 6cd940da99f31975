/**
 * How the simulated agent of the redesign picks its next event when both a sync slot and the
 * async ring have work (issue 12 §2, "starvation"). The legacy ring has no choice to make:
 * one FIFO ring, served in order ("fifo").
 *
 *   sync-first   a paused vCPU waits on every sync event, so serve those first; async
 *                entries wait until no sync event is pending (they starve under overload)
 *   round-robin  alternate: after a sync event, one async entry if there is one, and back
 *   batch:N      after every N sync events served, drain the async entries present at
 *                that moment as one batch; serve async also whenever no sync event waits
 */
import { UsageError } from "../../errors.js";

export type AgentPolicy = "sync-first" | "round-robin" | `batch:${number}`;
export const AGENT_POLICY_NAMES = ["sync-first", "round-robin", "batch:N"] as const;
/** Largest N accepted in batch:N (more than any ring holds entries). */
export const MAX_BATCH_EVERY = 1 << 20;

/** Reads a policy name as typed on the command line; a UsageError names the flag otherwise. */
export function parseAgentPolicy(text: string, flag = "agent-policy"): AgentPolicy {
  if (text === "sync-first" || text === "round-robin") return text;
  const m = /^batch:(\d{1,7})$/.exec(text);
  const every = m ? Number(m[1]) : NaN;
  if (!(every >= 1 && every <= MAX_BATCH_EVERY))
    throw new UsageError(`--${flag}: '${text}' is not one of sync-first, round-robin, batch:N (N in 1..${MAX_BATCH_EVERY})`);
  return `batch:${every}`;
}

export type Pick = "sync" | "async" | "idle";

/** The agent's choice, one event at a time; it is told what it served so it can keep count. */
export class AgentScheduler {
  private lastWasSync = false;
  private syncSinceBatch = 0;
  private batchLeft = 0;
  private readonly every: number;

  constructor(readonly policy: AgentPolicy) {
    this.every = policy.startsWith("batch:") ? Number(policy.slice(6)) : 0;
  }

  /** `asyncWaiting`: entries in the async ring now (LOST records included: a read may find none). */
  choose(syncWaiting: boolean, asyncWaiting: number): Pick {
    if (!syncWaiting) return asyncWaiting > 0 ? "async" : "idle";
    if (asyncWaiting === 0) return "sync";
    switch (this.policy) {
      case "sync-first": return "sync";
      case "round-robin": return this.lastWasSync ? "async" : "sync";
      default:
        if (this.batchLeft > 0) return "async";
        if (this.syncSinceBatch < this.every) return "sync";
        this.batchLeft = asyncWaiting;
        this.syncSinceBatch = 0;
        return "async";
    }
  }

  served(pick: "sync" | "async"): void {
    this.lastWasSync = pick === "sync";
    if (pick === "sync") this.syncSinceBatch++;
    else if (this.batchLeft > 0) this.batchLeft--;
  }
}
