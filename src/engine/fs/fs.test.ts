import { describe, expect, it } from 'vitest';
import { World } from '../world';
import { filesOf, MACHINE_BYTES, parseProcInts } from './index';

function lab() {
  const w = new World();
  w.addHost('h1');
  w.addHost('h2');
  const files = filesOf(w);
  return { w, h1: files.view(w.netns('h1')!), h2: files.view(w.netns('h2')!), files };
}

const value = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T | string => (r.ok ? r.value : r.errno);

describe('file system: path walks and system calls as Linux answers them', () => {
  it('a fresh machine has Debian-like top-level directories, root home and /etc', () => {
    const { h1 } = lab();
    const names = (p: string) => (value(h1.readdir(p, '/')) as { name: string }[]).map((e) => e.name).sort();
    expect(names('/')).toEqual(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var']);
    expect(names('/root')).toEqual(['.bashrc', '.profile']);
    expect(names('/etc')).toEqual(['hostname', 'hosts', 'resolv.conf']);
    expect(value(h1.readFile('/etc/resolv.conf', '/'))).toBe('');
    expect(value(h1.stat('/tmp', '/'))).toMatchObject({ kind: 'dir', mode: 0o1777 });
  });

  it('each host has its own /etc/hostname and /etc/hosts; everything else is the machine’s', () => {
    const { h1, h2 } = lab();
    expect(value(h1.readFile('/etc/hostname', '/'))).toBe('h1\n');
    expect(value(h2.readFile('/etc/hosts', '/'))).toContain('127.0.1.1\th2\n');
    expect(h1.writeFile('/tmp/shared', '/', 'x\n')).toBeNull();
    expect(value(h2.readFile('shared', '/tmp'))).toBe('x\n');
    expect(h1.writeFile('/etc/hosts', '/', '10.0.0.2 web\n', { append: true })).toBeNull();
    expect(value(h2.readFile('/etc/hosts', '/'))).not.toContain('web');
    expect(h1.unlink('/etc/hosts', '/')).toBe('EBUSY');
  });

  it('a namespace attached to its own machine sees only that machine’s files', () => {
    const { w, h1, files } = lab();
    files.attach(w.netns('h2')!, 'node02');
    h1.writeFile('/tmp/a', '/', 'a');
    const h2 = files.view(w.netns('h2')!);
    expect(value(h2.readFile('/tmp/a', '/'))).toBe('ENOENT');
    expect(value(h2.readFile('/etc/hostname', '/'))).toBe('h2\n');
  });

  it('walks component by component', () => {
    const { h1 } = lab();
    h1.writeFile('/tmp/f', '/', 'data');
    expect(value(h1.readFile('/tmp/f/x', '/'))).toBe('ENOTDIR');
    expect(value(h1.readFile('/tmp/f/', '/'))).toBe('ENOTDIR');
    expect(value(h1.readFile('/nope/x', '/'))).toBe('ENOENT');
    expect(value(h1.readFile('../../tmp/./f', '/root'))).toBe('data');
    expect(value(h1.readFile('/tmp', '/'))).toBe('EISDIR');
    expect(value(h1.realpath('/../root/..//tmp/', '/'))).toBe('/tmp');
  });

  it('creates, truncates and appends on open, as O_CREAT|O_TRUNC and O_APPEND do', () => {
    const { h1 } = lab();
    expect(h1.writeFile('/root/f', '/', 'one\n')).toBeNull();
    expect(h1.writeFile('/root/f', '/', 'two\n', { append: true })).toBeNull();
    expect(value(h1.readFile('/root/f', '/'))).toBe('one\ntwo\n');
    const h = h1.openWrite('/root/f', '/');
    expect(value(h1.readFile('/root/f', '/'))).toBe('');
    expect(h.ok && h.value.write('three\n')).toBeNull();
    expect(value(h1.readFile('/root/f', '/'))).toBe('three\n');
    expect(value(h1.openWrite('/nodir/x', '/'))).toBe('ENOENT');
    expect(value(h1.openWrite('/tmp', '/'))).toBe('EISDIR');
    expect(value(h1.openWrite('/root/f', '/', { exclusive: true }))).toBe('EEXIST');
    expect(h1.writeFile('/dev/null', '/', 'gone')).toBeNull();
    expect(h1.writeFile('/dev/full', '/', 'x')).toBe('ENOSPC');
  });

  it('mkdir, rmdir, unlink and rename refuse what Linux refuses', () => {
    const { h1 } = lab();
    expect(h1.mkdir('/tmp/d', '/')).toBeNull();
    expect(h1.mkdir('/tmp/d', '/')).toBe('EEXIST');
    expect(h1.mkdir('/tmp/x/y', '/')).toBe('ENOENT');
    h1.writeFile('/tmp/d/f', '/', 'f');
    expect(h1.rmdir('/tmp/d', '/')).toBe('ENOTEMPTY');
    expect(h1.unlink('/tmp/d', '/')).toBe('EISDIR');
    expect(h1.rmdir('/tmp/d/f', '/')).toBe('ENOTDIR');
    expect(h1.rename('/tmp/d', '/tmp/d/sub', '/')).toBe('EINVAL');
    expect(h1.rename('/tmp/d/f', '/tmp/g', '/')).toBeNull();
    expect(value(h1.readFile('/tmp/g', '/'))).toBe('f');
    expect(h1.rename('/tmp/g', '/tmp/d', '/')).toBe('EISDIR');
    expect(h1.rmdir('/tmp/d', '/')).toBeNull();
    expect(h1.rmdir('/', '/')).toBe('EBUSY');
    expect(h1.unlink('/tmp/nope', '/')).toBe('ENOENT');
  });

  it('runs out of room with ENOSPC instead of growing without end', () => {
    const { h1 } = lab();
    const h = h1.openWrite('/tmp/big', '/');
    if (!h.ok) throw new Error(h.errno);
    const mb = 'x'.repeat(1024 * 1024);
    let e: string | null = null;
    for (let i = 0; i < 20 && !e; i++) e = h.value.write(mb);
    expect(e).toBe('ENOSPC');
    expect(h1.unlink('/tmp/big', '/')).toBeNull();
    expect(h1.writeFile('/tmp/small', '/', 'x'.repeat(MACHINE_BYTES / 2))).toBeNull();
  });
});

describe('procfs: /proc/sys is the namespace’s sysctls', () => {
  it('reads and writes the same values sysctl does, per network namespace', () => {
    const { w, h1, h2 } = lab();
    expect(value(h1.readFile('/proc/sys/net/ipv4/ip_forward', '/'))).toBe('0\n');
    expect(h1.writeFile('/proc/sys/net/ipv4/ip_forward', '/', '1\n')).toBeNull();
    expect(w.netns('h1')!.sysctl.get('net.ipv4.ip_forward')).toBe('1');
    expect(w.netns('h1')!.sysctl.forwarding('lo')).toBe(true);
    expect(value(h2.readFile('/proc/sys/net/ipv4/ip_forward', '/'))).toBe('0\n');
    expect(h1.writeFile('/proc/sys/net/ipv4/ip_forward', '/', 'abc\n')).toBe('EINVAL');
    expect(value(h1.readFile('/proc/sys/net/ipv4/conf/lo/forwarding', '/'))).toBe('1\n');
    expect(value(h1.readFile('/proc/sys/net', '/'))).toBe('EISDIR');
    expect(value(h1.readFile('/proc/sys/net/ipv4/nope', '/'))).toBe('ENOENT');
    expect(h1.unlink('/proc/sys/net/ipv4/ip_forward', '/')).toBe('EACCES');
    expect(h1.mkdir('/proc/sys/x', '/')).toBe('ENOENT');
    expect(value(h1.openWrite('/proc/sys/net/ipv4/foo', '/'))).toBe('ENOENT');
  });

  it('lists directories from the keys, and a new device gets its conf directory', () => {
    const { w, h1 } = lab();
    const names = (p: string) => (value(h1.readdir(p, '/')) as { name: string }[]).map((e) => e.name).sort();
    expect(names('/proc/sys')).toEqual(['kernel', 'net']);
    expect(names('/proc/sys/net/ipv4/conf')).toEqual(['all', 'default', 'lo']);
    w.addLink('h1:eth1', 'h2:eth1');
    expect(names('/proc/sys/net/ipv4/conf')).toEqual(['all', 'default', 'eth1', 'lo']);
    expect(value(h1.readFile('/proc/sys/kernel/hostname', '/'))).toBe('h1\n');
  });

  it('parses a write as proc_dointvec does', () => {
    expect(parseProcInts('1\n', 1)).toEqual(['1']);
    expect(parseProcInts(' 1 ', 1)).toEqual(['1']);
    expect(parseProcInts('0x1', 1)).toEqual(['1']);
    expect(parseProcInts('010', 1)).toEqual(['8']);
    expect(parseProcInts('-1', 1)).toEqual(['-1']);
    expect(parseProcInts('1\n2\n', 1)).toEqual(['1']);
    expect(parseProcInts('1000 2000', 2)).toEqual(['1000', '2000']);
    for (const bad of ['', '\n', 'abc', '1x', '99999999999', '-']) expect(parseProcInts(bad, 1)).toBe('EINVAL');
  });
});
