export type { CommandResult } from './types';
export { tokenize } from './shell/tokenize';
export { COMMAND_START_MS } from './shell/program';
export { Job, runCommand, startJob, type JobOptions } from './job';
export { allCommands, commandNames, isCommand, lookupCommand } from './registry/table';
export { completeWords } from './registry/complete';
export { ensureKube, kubeLoaded } from './kube/load';
export type { CommandKind, CommandSpec, CompletionEnv } from './registry/types';
