import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { runCommand } from '../index';

const lab = () => {
  const w = new World();
  w.addHost('h1');
  return w;
};
const sh = (line: string, w = lab()) => runCommand(w, 'h1', line, { shell: 'sh' });

describe('file commands on the per-host file system (messages as coreutils 9.1 prints them in the C locale)', () => {
  it('mkdir, ls, cp, mv, rm, rmdir, touch', () => {
    const w = lab();
    expect(sh('cd /tmp && mkdir -p a/b && touch f "two words" .h && ls && ls -A a', w).stdout).toBe('a\nf\ntwo words\nb\n');
    expect(sh('cd /tmp && cp f g && mv g a/ && ls a && rm -r a && ls', w).stdout).toBe('b\ng\nf\ntwo words\n');
    const bad = sh('cd /tmp && mkdir f; rm nope; rmdir /tmp; cp f f; mv nope x; ls nope; echo $?', w);
    expect(bad.stderr).toBe(
      "mkdir: cannot create directory 'f': File exists\nrm: cannot remove 'nope': No such file or directory\nrmdir: failed to remove '/tmp': Directory not empty\ncp: 'f' and 'f' are the same file\nmv: cannot stat 'nope': No such file or directory\nls: cannot access 'nope': No such file or directory\n",
    );
    expect(bad.stdout).toBe('2\n');
  });

  it('ls -l shows modes, links, owners and sizes; a terminal gets columns', () => {
    const w = lab();
    sh('mkdir /tmp/d; echo hello > /tmp/d/f', w);
    expect(sh('ls -l /tmp/d', w).stdout).toMatch(/^total 4\n-rw-r--r-- 1 root root 6 Jan  1 00:00 f\n$/);
    expect(sh('ls -ld /tmp /dev/null', w).stdout).toMatch(/^crw-rw-rw- 1 root root 1, 3 .* \/dev\/null\ndrwxrwxrwt \d+ root root 4096 .* \/tmp\n$/);
    expect(runCommand(w, 'h1', 'ls /').stdout).toBe('bin   dev  home  lib64  mnt  proc  run   srv  tmp  var\nboot  etc  lib   media  opt  root  sbin  sys  usr\n');
  });

  it('cat, tee, basename and dirname', () => {
    expect(sh('echo a | tee /tmp/x /tmp/y >/dev/null; cat -n /tmp/x /tmp/y').stdout).toBe('     1\ta\n     2\ta\n');
    expect(sh('basename /a/b.txt .txt; dirname /a/b; dirname b').stdout).toBe('b\n/a\n.\n');
    expect(sh('cat /proc/sys/net /nope').stderr).toBe('cat: /proc/sys/net: Is a directory\ncat: /nope: No such file or directory\n');
  });

  it('refuses to touch what the kernel refuses, and changes nothing then', () => {
    const w = lab();
    expect(sh('rm -r /', w).stderr).toBe("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
    expect(sh('rm /proc/sys/net/ipv4/ip_forward; rm /etc/hosts', w).stderr).toBe(
      "rm: cannot remove '/proc/sys/net/ipv4/ip_forward': Permission denied\nrm: cannot remove '/etc/hosts': Device or resource busy\n",
    );
    expect(sh('ls /', w).stdout.split('\n').length).toBe(20);
  });
});
