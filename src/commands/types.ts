import type { TraceEvent } from '../engine/sim/trace';

/** What every command returns: exactly what the real tool prints, and its exit status. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exit: number;
  /** trace events the command caused in the engine (pings, traceroutes), in order */
  trace: TraceEvent[];
  /** a command of kind 'config' changed the lab: the line is an undo step (src/commands/registry) */
  edit?: boolean;
  /** a simulator bug met the line: the lab may be half changed (the store rebuilds it) */
  fault?: boolean;
  /** virtual time at which Ctrl+C (SIGINT) reached the line, for a faithful replay */
  interruptedAt?: number;
}
