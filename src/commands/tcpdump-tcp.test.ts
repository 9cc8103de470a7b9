/**
 * tcpdump's TCP lines for a connection Hoplab made, against the lines tcpdump printed on Linux for
 * the same exchange (tests/conformance/goldens/tcpdump-tcp.json, step 4): relative sequence
 * numbers after the handshake, the options Linux sends, the windows, and ": HTTP" on port 8080.
 * What is random on Linux (initial sequence numbers, timestamps) is masked on both sides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { twoHosts } from './testLab';
import { runCommand, startJob } from './index';
import { formatCaptured, framesOnDev, type TcpSeqTable } from './tcpdump';

const golden = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/conformance/goldens/tcpdump-tcp.json'), 'utf8'),
) as { results: { stdout: string }[] };

const mask = (line: string): string =>
  line
    .replace(/TS val \d+ ecr \d+/, 'TS val <ts> ecr <ts>')
    .replace(/(Flags \[S\.?\], seq )\d+/, '$1<isn>')
    .replace(/(Flags \[(?:S|R)\.\], seq \S+, ack )\d+/, '$1<isn>');

describe('tcpdump TCP lines', () => {
  it('print a connection as tcpdump -n -t does on Linux', () => {
    const w = twoHosts();
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.0.2');
    const server = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    const client = runCommand(w, 'h1', 'echo hello | nc -N -p 40002 10.0.0.2 8080', { shell: 'sh' });
    server.runToEnd();
    const events = [...client.trace, ...server.finish().trace].sort((a, b) => a.seq - b.seq);
    const table: TcpSeqTable = new Map();
    const got = framesOnDev(events, 'h1', 'eth0')
      .filter((f) => f.event.packet?.tcp)
      .map((f) => mask(formatCaptured(f, { tcpSeq: table })!.replace(/^\S+ /, '')));
    const want = golden.results[3].stdout.trim().split('\n').map(mask);
    expect(got).toEqual(want);
  });

  it('a refused connect: the SYN, then RST|ACK acknowledging it', () => {
    const w = twoHosts();
    const r = runCommand(w, 'h1', 'nc -z -p 40000 10.0.0.2 81', { shell: 'sh' });
    const table: TcpSeqTable = new Map();
    const got = framesOnDev(r.trace, 'h1', 'eth0')
      .filter((f) => f.event.packet?.tcp)
      .map((f) => mask(formatCaptured(f, { tcpSeq: table })!.replace(/^\S+ /, '')));
    expect(got).toEqual(golden.results[2].stdout.trim().split('\n').map(mask));
  });
});
