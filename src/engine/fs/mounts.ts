/**
 * Which files a namespace sees. A *machine* has one file tree; a *mount namespace* is a machine's
 * tree with some files bound over paths (`mount --bind`) and procfs at /proc for its network
 * namespace. Every network namespace has its own mount namespace, made when first asked.
 *
 * On Linux `ip netns exec` keeps the machine's mount namespace, so every namespace of a machine sees
 * the same files, except /proc/sys/net, which follows the network namespace. Hoplab's labs are
 * namespaces of one machine (the kernel oracle's model), so by default every namespace is on the
 * machine `lab`: a file written under /tmp on node01 is there on pod1. Two files are each host's own,
 * as for a container: /etc/hostname and /etc/hosts, named after the host (Hoplab gives each host its
 * own UTS name, which `hostname` prints). `attach` puts a namespace on a machine of its own, for labs
 * where each node is a separate computer; `bind` gives a namespace its own copy of one file, as the
 * kubelet does with a pod's /etc/resolv.conf and /etc/hosts.
 */
import type { World } from '../world';
import type { Netns } from '../netns/netns';
import { etcHostname, etcHosts, freshRoot } from './debian';
import { mkfileInode, type DirInode, type Inode } from './inode';
import { FsView } from './view';

export const DEFAULT_MACHINE = 'lab';

export class Machine {
  readonly root: DirInode;
  /** bytes held by regular files, and inodes in use, against the limits above */
  bytes = 0;
  inodes = 0;

  constructor(readonly name: string) {
    this.root = freshRoot(name, 0);
    const count = (d: DirInode): number => [...d.entries.values()].reduce((n, c) => n + 1 + (c.kind === 'dir' ? count(c) : 0), 0);
    this.inodes = 1 + count(this.root);
  }
}

export class MountNs {
  /** inodes bound over absolute paths, seen instead of what the machine's tree holds there */
  readonly binds = new Map<string, Inode>();

  constructor(readonly machine: Machine) {}
}

export class FileSystems {
  private readonly machines = new Map<string, Machine>();
  private readonly mounts = new WeakMap<Netns, MountNs>();

  constructor(readonly world: World) {}

  machine(name: string = DEFAULT_MACHINE): Machine {
    let m = this.machines.get(name);
    if (!m) {
      m = new Machine(name);
      this.machines.set(name, m);
    }
    return m;
  }

  /** The mount namespace a network namespace's processes see. */
  mountNs(ns: Netns): MountNs {
    let mnt = this.mounts.get(ns);
    if (!mnt) {
      mnt = new MountNs(this.machine());
      this.ownEtc(ns, mnt);
      this.mounts.set(ns, mnt);
    }
    return mnt;
  }

  /** Whether the namespace's mount namespace is made yet (what is bound at its making is bound once). */
  hasMountNs(ns: Netns): boolean {
    return this.mounts.has(ns);
  }

  /** Put a namespace on a machine of its own (a separate computer): it sees only that machine's files. */
  attach(ns: Netns, machine: string): void {
    const mnt = new MountNs(this.machine(machine));
    this.ownEtc(ns, mnt);
    this.mounts.set(ns, mnt);
  }

  /** Give a namespace its own copy of one file at `path` (a bind mount), holding `data`. */
  bind(ns: Netns, path: string, data: string): void {
    const mnt = this.mountNs(ns);
    const node = mnt.binds.get(path);
    if (node?.kind === 'file') {
      mnt.machine.bytes += data.length - node.data.length;
      node.data = data;
      node.mtime = this.world.now;
    } else mnt.binds.set(path, mkfileInode(data, 0o644, this.world.now));
  }

  view(ns: Netns): FsView {
    return new FsView(this.mountNs(ns), ns);
  }

  private ownEtc(ns: Netns, mnt: MountNs): void {
    mnt.binds.set('/etc/hostname', mkfileInode(etcHostname(ns.hostname), 0o644, 0));
    mnt.binds.set('/etc/hosts', mkfileInode(etcHosts(ns.hostname), 0o644, 0));
  }
}

const registry = new WeakMap<World, FileSystems>();

/** The file systems of a world's machines (made on first use, so a lab that never touches a file pays nothing). */
export function filesOf(world: World): FileSystems {
  let f = registry.get(world);
  if (!f) {
    f = new FileSystems(world);
    registry.set(world, f);
  }
  return f;
}
