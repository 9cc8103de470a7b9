/** Per-machine file systems: plain data trees, procfs over kernel state, and the views processes walk. */
export { filesOf, FileSystems, Machine, MountNs, DEFAULT_MACHINE } from './mounts';
export { FsView, MACHINE_BYTES, MACHINE_INODES, type WriteHandle, type DirEntry } from './view';
export { strerror, STRERROR, byteLength, type Errno, type Stat, type Sys } from './inode';
export { parseProcInts } from './procfs';
export { etcHosts, etcHostname } from './debian';
