/**
 * What a freshly installed Debian-like machine holds where a shell script looks: the top-level
 * directories, root's home with Debian's dot files, /tmp, /dev's character devices, and /etc.
 *
 * /etc/resolv.conf is empty: a new host in a lab has no name server configured and no search
 * domain, so a resolver falls back to 127.0.0.1 (resolv.conf(5)) until one is written. A
 * namespace's /etc/hostname and /etc/hosts are its own (see mounts.ts), written as Debian's
 * installer writes them for that host name.
 */
import { mkdirInode, mkfileInode, type DevInode, type DeviceName, type DirInode, type Inode } from './inode';

const DOT_PROFILE = `# ~/.profile: executed by Bourne-compatible login shells.

if [ "$BASH" ]; then
  if [ -f ~/.bashrc ]; then
    . ~/.bashrc
  fi
fi

mesg n 2> /dev/null || true
`;

const DOT_BASHRC = `# ~/.bashrc: executed by bash(1) for non-login shells.

# Note: PS1 and umask are already set in /etc/profile. You should not
# need this unless you want different defaults for root.
# PS1='\${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '
# umask 022

# You may uncomment the following lines if you want \`ls' to be colorized:
# export LS_OPTIONS='--color=auto'
# eval "$(dircolors)"
# alias ls='ls $LS_OPTIONS'
# alias ll='ls $LS_OPTIONS -l'
# alias l='ls $LS_OPTIONS -lA'
#
# Some more alias to avoid making mistakes:
# alias rm='rm -i'
# alias cp='cp -i'
# alias mv='mv -i'
`;

/** /etc/hosts as Debian's installer writes it for a host. */
export const etcHosts = (hostname: string): string => `127.0.0.1\tlocalhost
127.0.1.1\t${hostname}

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;

export const etcHostname = (hostname: string): string => `${hostname}\n`;

const DEVICES: [DeviceName, number, number][] = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
];

const TOP = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

/** A new machine's root directory, for a machine called `hostname`; every inode is stamped `mtime`. */
export function freshRoot(hostname: string, mtime: number): DirInode {
  const root = mkdirInode(0o755, mtime);
  const sub = (d: DirInode, name: string, node: Inode) => {
    d.entries.set(name, node);
    return node;
  };
  for (const name of TOP) {
    const mode = name === 'root' ? 0o700 : name === 'tmp' ? 0o1777 : name === 'proc' || name === 'sys' ? 0o555 : 0o755;
    sub(root, name, mkdirInode(mode, mtime));
  }
  const dir = (name: string) => root.entries.get(name) as DirInode;
  const home = dir('root');
  sub(home, '.bashrc', mkfileInode(DOT_BASHRC, 0o644, mtime));
  sub(home, '.profile', mkfileInode(DOT_PROFILE, 0o644, mtime));
  const etc = dir('etc');
  sub(etc, 'hostname', mkfileInode(etcHostname(hostname), 0o644, mtime));
  sub(etc, 'hosts', mkfileInode(etcHosts(hostname), 0o644, mtime));
  sub(etc, 'resolv.conf', mkfileInode('', 0o644, mtime));
  const dev = dir('dev');
  for (const [name, major, minor] of DEVICES) {
    const node: DevInode = { kind: 'chr', dev: name, rdev: [major, minor], mode: 0o666, mtime };
    sub(dev, name, node);
  }
  for (const name of ['bin', 'lib', 'share']) sub(dir('usr'), name, mkdirInode(0o755, mtime));
  for (const name of ['lib', 'log', 'tmp']) sub(dir('var'), name, mkdirInode(name === 'tmp' ? 0o1777 : 0o755, mtime));
  return root;
}
