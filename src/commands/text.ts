/**
 * The text tools tutorials pipe into, as registered commands. Each lives in src/commands/text/
 * with the real tool's exact messages (GNU grep 3.8, GNU sed 4.9, mawk 1.3.4, GNU coreutils 9.1).
 */
import type { CommandSpec } from './registry/types';
import { grep } from './text/grep';
import { sed } from './text/sed';
import { awk } from './text/awk';
import { cut, seq, tr, uniq } from './text/tools';
import { sort } from './text/sort';
import { head, tail, wc } from './text/headtail';

export const grepCommand: CommandSpec = { name: 'grep', kind: 'read', summary: 'print the lines of files or its input that match a pattern (-E, -o, -c, -v, -i, -n, -w, -q …)', learn: 'grep --help', run: grep };
export const sedCommand: CommandSpec = { name: 'sed', kind: 'read', summary: "edit a stream: s/old/new/, -n '…p', addresses and ranges, -E, -i", learn: 'sed --help', run: sed };
export const awkCommand: CommandSpec = { name: 'awk', kind: 'read', summary: "mawk: fields ($1, NF), -F, patterns, print and printf, BEGIN/END, arrays", learn: 'awk -W usage', run: (ctx, argv) => awk(ctx, argv, 'awk') };
export const mawkCommand: CommandSpec = { name: 'mawk', kind: 'read', summary: 'the awk Debian installs as /usr/bin/awk', learn: 'mawk -W usage', run: (ctx, argv) => awk(ctx, argv, 'mawk') };
export const cutCommand: CommandSpec = { name: 'cut', kind: 'read', summary: 'print selected fields (-d -f) or characters (-c) of each line', learn: 'cut --help', run: cut };
export const trCommand: CommandSpec = { name: 'tr', kind: 'read', summary: 'translate, squeeze (-s) or delete (-d) characters of its input', learn: 'tr --help', run: tr };
export const uniqCommand: CommandSpec = { name: 'uniq', kind: 'read', summary: 'drop repeated adjacent lines; -c counts them, -d shows only repeats', learn: 'uniq --help', run: uniq };
export const sortCommand: CommandSpec = { name: 'sort', kind: 'read', summary: 'print lines in order: -n numeric, -r reverse, -u unique, -k key, -t separator', learn: 'sort --help', run: sort };
export const headCommand: CommandSpec = { name: 'head', kind: 'read', summary: 'print the first lines (-n N) or bytes (-c N) of files or its input', learn: 'head --help', run: head };
export const tailCommand: CommandSpec = { name: 'tail', kind: 'read', summary: 'print the last lines (-n N, -n +N from line N) of files or its input', learn: 'tail --help', run: tail };
export const wcCommand: CommandSpec = { name: 'wc', kind: 'read', summary: 'count the lines (-l), words (-w) and bytes (-c) of files or its input', learn: 'wc --help', run: wc };
export const seqCommand: CommandSpec = { name: 'seq', kind: 'read', summary: 'print a sequence of numbers: seq LAST, seq FIRST LAST, seq FIRST STEP LAST', learn: 'seq --help', run: seq };

export const TEXT_COMMANDS: readonly CommandSpec[] = [grepCommand, sedCommand, awkCommand, mawkCommand, cutCommand, trCommand, uniqCommand, sortCommand, headCommand, tailCommand, wcCommand, seqCommand];
