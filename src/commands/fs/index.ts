/** The file commands, registered: they read and write the host's file system (src/engine/fs). */
import type { CommandSpec } from '../registry/types';
import { ls } from './ls';
import { basename, cat, cp, dirname, mkdir, mv, pwd, rm, rmdir, tee, touch } from './files';

export const FILE_COMMANDS: readonly CommandSpec[] = [
  { name: 'ls', kind: 'read', summary: 'list directory contents (-l long, -a all, -1 one a line)', learn: 'ls --help', run: ls },
  { name: 'cat', kind: 'read', summary: 'print files (such as /proc/sys/net/ipv4/ip_forward) or its input; cat > FILE writes its input to FILE', learn: 'cat --help', run: cat },
  { name: 'mkdir', kind: 'config', summary: 'make directories (-p: with their parents, no error if they exist)', learn: 'mkdir --help', run: mkdir },
  { name: 'rmdir', kind: 'config', summary: 'remove empty directories', learn: 'rmdir --help', run: rmdir },
  { name: 'rm', kind: 'config', summary: 'remove files (-r directories too, -f no complaint if missing)', learn: 'rm --help', run: rm },
  { name: 'touch', kind: 'config', summary: 'create empty files, or update their times', learn: 'touch --help', run: touch },
  { name: 'cp', kind: 'config', summary: 'copy files (-r directories)', learn: 'cp --help', run: cp },
  { name: 'mv', kind: 'config', summary: 'move or rename files', learn: 'mv --help', run: mv },
  { name: 'tee', kind: 'config', summary: 'copy its input to files (-a: append) and to its output', learn: 'tee --help', run: tee },
  { name: 'pwd', kind: 'read', summary: 'print the working directory', learn: 'pwd --help', run: pwd },
  { name: 'basename', kind: 'read', summary: 'print a path without its directory (and suffix)', learn: 'basename --help', run: basename },
  { name: 'dirname', kind: 'read', summary: 'print the directory part of a path', learn: 'dirname --help', run: dirname },
];
