/**
 * Every command Hoplab simulates. To add one: write its file (argument parsing, the real tool's
 * exact text, a `CommandSpec` at the bottom) and add it here; dispatch, Tab, undo, `help` and the
 * help dialog find it in this table.
 */
import type { CommandSpec } from './types';
import { ipCommand } from '../ip/ip';
import { pingCommand } from '../ping';
import { tracerouteCommand } from '../traceroute';
import { sysctlCommand } from '../sysctl';
import { bridgeCommand } from '../bridge';
import { catCommand, echoCommand, falseCommand, hostnameCommand, trueCommand } from '../misc';
import { grepCommand, headCommand, sortCommand, tailCommand, wcCommand } from '../text';
import { tcpdumpCommand } from '../tcpdump';
import { helpCommand } from '../help';
import { kubectlCommand } from '../kubectl/kubectl';

export const COMMAND_TABLE: readonly CommandSpec[] = [
  ipCommand,
  pingCommand,
  tracerouteCommand,
  sysctlCommand,
  bridgeCommand,
  tcpdumpCommand,
  hostnameCommand,
  echoCommand,
  catCommand,
  grepCommand,
  headCommand,
  tailCommand,
  wcCommand,
  sortCommand,
  trueCommand,
  falseCommand,
  kubectlCommand,
  helpCommand,
];
