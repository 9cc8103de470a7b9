import type { TraceEvent } from '../engine/sim/trace';

/** What every command returns: exactly what the real tool prints, and its exit status. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exit: number;
  /** trace events the command caused in the engine (pings, traceroutes), in order */
  trace: TraceEvent[];
}
