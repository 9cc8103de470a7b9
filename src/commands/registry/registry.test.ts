import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../scenarios/runner';
import { runCommand } from '../job';
import { allCommands, commandNames, lookupCommand } from './table';
import { completeWords } from './complete';
import type { CompletionEnv } from './types';

const lab = (preset = 'before-routes') => buildWorld({ name: 't', preset, steps: [] });

describe('the command table', () => {
  it('has one entry per name, each with a kind, a summary and a run', () => {
    const names = commandNames();
    expect(new Set(names).size).toBe(names.length);
    for (const c of allCommands()) {
      expect(['config', 'probe', 'read']).toContain(c.kind);
      expect(c.summary.length, c.name).toBeGreaterThan(10);
      expect(typeof c.run).toBe('function');
    }
    expect(names).toEqual(expect.arrayContaining(['ip', 'ping', 'traceroute', 'sysctl', 'bridge', 'tcpdump', 'help']));
  });

  it('dispatch finds what the table holds, and nothing else', () => {
    const w = lab();
    expect(runCommand(w, 'node01', 'help').exit).toBe(0);
    expect(runCommand(w, 'node01', 'nosuchtool').stderr).toBe('bash: nosuchtool: command not found\n');
    expect(lookupCommand('nosuchtool')).toBeUndefined();
    expect(lookupCommand('constructor')).toBeUndefined();
  });
});

describe('undo classification comes from the table, by what ran', () => {
  const cases: [string, string, boolean][] = [
    ['node01', 'ip route add 10.244.2.2 via 192.168.1.12', true],
    ['node02', 'sysctl -w net.ipv4.ip_forward=0', true],
    ['node01', 'ping -c 1 192.168.1.12', false],
    ['node01', 'ip netns exec pod1 ping -c 1 10.244.1.1', false],
    ['node01', 'ping -c1 192.168.1.13; ip link set eth0 down', true],
    ['node01', 'traceroute -n -q 1 -m 2 192.168.1.12', false],
    ['node01', 'ip route show', false],
    ['node01', 'ip route add 10.9.0.0/16 via 1.2.3.4', false], // refused: changes nothing
    ['node01', 'ip netns exec pod1 ip route add 10.9.0.0/16 via 10.244.1.1', true],
    ['node01', 'hostname n1', true],
  ];
  for (const [on, line, edit] of cases) {
    it(`${line} → ${edit ? 'an undo step' : 'not an undo step'}`, () => {
      expect(runCommand(lab(), on, line).edit).toBe(edit);
    });
  }
});

describe('completion reads each command’s completer', () => {
  const env: CompletionEnv = { devices: ['eth0', 'lo'], netns: ['node01', 'pod1'], addresses: ['10.0.0.1'] };
  it('offers command names first, then what the command takes', () => {
    expect(completeWords([], env)).toContain('traceroute');
    expect(completeWords(['ip'], env)).toEqual(['address', 'link', 'neighbour', 'netns', 'route']);
    expect(completeWords(['ping'], env)).toEqual(['10.0.0.1']);
    expect(completeWords(['ping', '-c'], env)).toEqual([]);
    expect(completeWords(['help'], env)).toContain('ping');
  });
  it('a wrapper hands the command it runs back to the table', () => {
    expect(completeWords(['ip', 'netns', 'exec'], env)).toEqual(['node01', 'pod1']);
    expect(completeWords(['ip', 'netns', 'exec', 'pod1'], env)).toContain('ping');
    expect(completeWords(['ip', 'netns', 'exec', 'pod1', 'ip', 'route', 'add', '10.9.0.0/16', 'dev'], env)).toEqual(['eth0', 'lo']);
  });
});

describe('help', () => {
  it('lists every command and how to learn it', () => {
    const r = runCommand(lab(), 'node01', 'help');
    for (const c of allCommands()) expect(r.stdout).toContain(`  ${c.name} `);
    expect(r.stdout).toContain('(ping -h)');
  });
  it('tells one command, and answers an unknown one as bash does', () => {
    const w = lab();
    expect(runCommand(w, 'node01', 'help ip').stdout).toMatch(/^ip: .*\n    To learn more: ip help/);
    const r = runCommand(w, 'node01', 'help nosuch');
    expect(r.exit).toBe(1);
    expect(r.stderr).toBe("bash: help: no help topics match `nosuch'.  Try `help help' or `man -k nosuch' or `info nosuch'.\n");
  });
});
