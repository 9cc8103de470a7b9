import { BROADCAST, broadcastOf, formatPrefix, parseIpv4 } from '../../engine/addr/ipv4';
import { RT_SCOPE } from '../../engine/fib/route';
import { addAddress, deleteAddress, findAddress, flushAddresses } from '../../engine/netns/devinet';
import { KernelError } from '../../engine/fib/route';
import { fail, type Ctx } from '../context';
import { Argv, devOrFail, getPrefix, invarg, matches, rtnlError, rtScope } from './args';
import { linkShow } from './link';
import type { IpOpts } from './ip';

export function doAddr(ctx: Ctx, argv: string[], o: IpOpts): void {
  if (argv.length === 0) return linkShow(ctx, [], o, false);
  const [cmd, ...rest] = argv;
  if (matches(cmd, 'add') || matches(cmd, 'replace') || matches(cmd, 'change')) return addrModify(ctx, rest, 'add');
  if (matches(cmd, 'delete')) return addrModify(ctx, rest, 'del');
  if (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return linkShow(ctx, rest, o, false);
  if (matches(cmd, 'flush')) return addrFlush(ctx, rest);
  fail(ctx, `Command "${cmd}" is unknown, try "ip address help".\n`, 255);
}


function addrModify(ctx: Ctx, args: string[], cmd: 'add' | 'del'): void {
  const a = new Argv(ctx, args);
  let local: string | undefined;
  let devName: string | undefined;
  let brd: string | undefined;
  let scope: number | undefined;
  let label: string | undefined;
  const lft = { valid_lft: Infinity, preferred_lft: Infinity };
  while (!a.done) {
    const t = a.take();
    if (t === 'dev') devName = a.next();
    else if (matches(t, 'broadcast') || t === 'brd') {
      // read at once, as iproute2 does: "+" and "-" or an address
      const v = a.next();
      if (brd !== undefined) fail(ctx, `Error: duplicate "broadcast": "${v}" is the second value.\n`, 255);
      if (v !== '+' && v !== '-' && parseIpv4(v) === null) fail(ctx, `Error: inet address is expected rather than "${v}".\n`, 1);
      brd = v;
    }
    else if (t === 'scope') {
      const v = a.next();
      scope = rtScope(v) ?? invarg(ctx, 'invalid scope value.', v);
    } else if (t === 'label') label = a.next();
    else if (t === 'local' || t === 'to') {
      const v = a.next();
      if (local !== undefined) fail(ctx, `Error: either "local" is duplicate, or "${v}" is a garbage.\n`, 255);
      local = v;
      getPrefix(ctx, v); // iproute2 parses the address as soon as it meets it
    }
    else if (matches(t, 'valid_lft') || matches(t, 'preferred_lft')) {
      // abbreviations count ("va" is valid_lft); the value is a number of seconds or "forever"
      const which = matches(t, 'valid_lft') ? 'valid_lft' : 'preferred_lft';
      const v = a.next();
      if (v !== 'forever' && !/^\d+$/.test(v)) invarg(ctx, `${which} value`, v);
      lft[which] = v === 'forever' ? Infinity : Number(v);
    } else if (t === 'metric' || t === 'peer' || t === 'anycast') a.next();
    else if (t === 'noprefixroute' || t === 'home' || t === 'nodad') continue;
    else {
      if (local !== undefined) fail(ctx, `Error: either "local" is duplicate, or "${t}" is a garbage.\n`, 255);
      local = t;
      getPrefix(ctx, t);
    }
  }
  if (lft.preferred_lft > lft.valid_lft) fail(ctx, 'preferred_lft is greater than valid_lft\n', 1);
  if (devName === undefined) fail(ctx, 'Not enough information: "dev" argument is required.\n', 1);
  const prefix = local !== undefined ? getPrefix(ctx, local) : undefined;
  const explicitLen = local !== undefined && local.includes('/');
  // the warning comes before the device is even looked up
  if (cmd === 'del' && prefix && !explicitLen) {
    ctx.err.push(
      `Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${formatPrefix(prefix.addr, 32)}/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n`,
    );
  }
  // "brd +" and "brd -" are computed from the address, so without one iproute2 stops here
  if (!prefix && cmd !== 'del' && (brd === '+' || brd === '-')) fail(ctx, 'Broadcast can be set only for IPv4 addresses\n', 1);
  const dev = devOrFail(ctx, devName!);
  if (!prefix) {
    // an explicit broadcast makes the request IPv4, and IPv4 wants its local address
    if (cmd !== 'del' && brd !== undefined) return rtnlError(ctx, new KernelError('EINVAL', 'ipv4: Local address is not supplied'));
    return rtnlError(ctx, new KernelError('EOPNOTSUPP'));
  }
  if (cmd === 'del') {
    const ifa = findAddress(dev, prefix.addr, explicitLen ? prefix.plen : undefined);
    if (!ifa) return rtnlError(ctx, new KernelError('EADDRNOTAVAIL', 'ipv4: Address not found'));
    deleteAddress(ctx.ns, dev, ifa);
    return;
  }
  let broadcast: number | undefined;
  if (brd === '+') broadcast = prefix.plen < 31 ? broadcastOf(prefix.addr, prefix.plen) : undefined;
  else if (brd === '-') broadcast = undefined;
  else if (brd !== undefined) {
    const b = parseIpv4(brd);
    if (b === null) fail(ctx, `Error: inet address is expected rather than "${brd}".\n`, 1);
    broadcast = b!;
  }
  try {
    addAddress(ctx.ns, dev, prefix.addr, prefix.plen, {
      scope: scope ?? (dev.kind === 'loopback' && prefix.addr >>> 24 === 127 ? RT_SCOPE.host : RT_SCOPE.universe),
      broadcast: broadcast === BROADCAST ? undefined : (broadcast as never),
      label,
    });
  } catch (e) {
    rtnlError(ctx, e);
  }
}

function addrFlush(ctx: Ctx, args: string[]): void {
  const a = new Argv(ctx, args);
  let devName: string | undefined;
  while (!a.done) {
    const t = a.take();
    if (t === 'dev') devName = a.next();
    else if (t === 'scope' || t === 'label' || t === 'to') a.next();
    else devName = t;
  }
  if (devName === undefined) fail(ctx, 'Flush requires arguments.\n', 1);
  const dev = ctx.ns.devByName(devName!) ?? fail(ctx, `Device "${devName}" does not exist.\n`, 1);
  flushAddresses(ctx.ns, dev);
}
