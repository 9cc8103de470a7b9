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
import { echoCommand, falseCommand, hostnameCommand, trueCommand } from '../misc';
import { TEXT_COMMANDS } from '../text';
import { FILE_COMMANDS } from '../fs';
import { SHELL_COMMANDS } from '../shell/programs';
import { tcpdumpCommand } from '../capture';
import { ncCommand } from '../nc/nc';
import { ssCommand } from '../ss/ss';
import { curlCommand } from '../curl/curl';
import { agnhostCommand } from '../servers/agnhost';
import { python3Command } from '../servers/pyhttp';
import { helpCommand } from '../help';
import { kubectlCommand } from '../kubectl/kubectl';
import { kubectlNetpolCommand } from '../netpol/kubectlNetpol';
import { istioctlCommand } from '../istioctl/istioctl';
import { iptables } from '../iptables/iptables';
import { iptablesSave } from '../iptables/save';
import { iptablesRestore } from '../iptables/restore';
import { conntrack } from '../iptables/conntrack';
import { dmesg } from '../iptables/dmesg';
import { tasksetCommand } from '../taskset';
import { digCommand, dnsmasqCommand, getentCommand, nslookupCommand } from '../dns/commands';

/** The netfilter tools (their parsers live in src/commands/iptables). */
const iptablesCommand: CommandSpec = { name: 'iptables', kind: 'config', summary: 'list and change the netfilter rules of the IPv4 tables (filter, nat, mangle, raw)', learn: 'iptables -h', run: iptables };
const iptablesSaveCommand: CommandSpec = { name: 'iptables-save', kind: 'read', summary: 'print every netfilter table as iptables-restore reads it', learn: 'iptables-save -h', run: iptablesSave };
const iptablesRestoreCommand: CommandSpec = { name: 'iptables-restore', kind: 'config', summary: 'replace netfilter tables from iptables-save text on standard input', learn: 'iptables-restore -h', run: iptablesRestore };
const conntrackCommand: CommandSpec = { name: 'conntrack', kind: 'config', summary: 'list, watch, delete and flush the connection tracking table', learn: 'conntrack -h', run: conntrack };
const dmesgCommand: CommandSpec = { name: 'dmesg', kind: 'read', summary: 'print the kernel ring buffer (LOG target lines)', learn: 'dmesg --help', run: dmesg };

export const COMMAND_TABLE: readonly CommandSpec[] = [
  ipCommand,
  pingCommand,
  tracerouteCommand,
  sysctlCommand,
  bridgeCommand,
  iptablesCommand,
  iptablesSaveCommand,
  iptablesRestoreCommand,
  conntrackCommand,
  dmesgCommand,
  tcpdumpCommand,
  ncCommand,
  ssCommand,
  curlCommand,
  agnhostCommand,
  python3Command,
  digCommand,
  nslookupCommand,
  getentCommand,
  dnsmasqCommand,
  hostnameCommand,
  echoCommand,
  ...FILE_COMMANDS,
  ...TEXT_COMMANDS,
  ...SHELL_COMMANDS,
  tasksetCommand,
  trueCommand,
  falseCommand,
  kubectlCommand,
  kubectlNetpolCommand,
  istioctlCommand,
  helpCommand,
];
