import { formatIpv4, parseIpv4 } from '../../engine/addr/ipv4';
import type { Mac } from '../../engine/addr/mac';
import type { Neighbour, NudState } from '../../engine/neighbour/neighbour';
import { fail, type Ctx } from '../context';
import { Argv, devOrFail, matches } from './args';

export function doNeigh(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0) return neighShow(ctx, []);
  const [cmd, ...rest] = argv;
  if (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return neighShow(ctx, rest);
  if (matches(cmd, 'flush')) return neighFlush(ctx, rest);
  if (matches(cmd, 'add') || matches(cmd, 'replace') || matches(cmd, 'change')) return neighAdd(ctx, rest);
  if (matches(cmd, 'delete')) return neighDel(ctx, rest);
  fail(ctx, `Command "${cmd}" is unknown, try "ip neigh help".\n`, 255);
}

interface NeighFilter {
  dev?: string;
  addr?: number;
  nud?: string;
}

function parse(ctx: Ctx, args: string[]): NeighFilter {
  const a = new Argv(ctx, args);
  const f: NeighFilter = {};
  while (!a.done) {
    const t = a.take();
    if (t === 'dev') f.dev = devOrFail(ctx, a.next()).name;
    else if (t === 'nud') f.nud = a.next().toUpperCase();
    else if (t === 'to') f.addr = parseIpv4(a.next()) ?? undefined;
    else if (t === 'proxy' || t === 'unused') continue;
    else {
      const v = parseIpv4(t.split('/')[0]);
      if (v === null) fail(ctx, `Error: any valid prefix is expected rather than "${t}".\n`, 1);
      f.addr = v!;
    }
  }
  return f;
}

function select(ctx: Ctx, f: NeighFilter): Neighbour[] {
  return ctx.ns.neigh.all().filter((n) => {
    if (f.dev && n.dev.name !== f.dev) return false;
    if (f.addr !== undefined && n.ip !== f.addr) return false;
    if (f.nud) return f.nud === 'ALL' || n.state === f.nud;
    return n.state !== 'NOARP';
  });
}

function neighShow(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args);
  for (const n of select(ctx, f)) {
    let s = formatIpv4(n.ip) + ' ';
    if (!f.dev) s += `dev ${n.dev.name} `;
    if (n.mac && n.state !== 'INCOMPLETE' && n.state !== 'FAILED') s += `lladdr ${n.mac} `;
    s += `${n.state} \n`;
    ctx.out.push(s);
  }
}

function neighFlush(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args);
  if (!f.dev && f.addr === undefined) fail(ctx, 'Flush requires arguments.\n', 1);
  for (const n of select(ctx, f)) if (n.state !== 'PERMANENT' || f.nud) ctx.ns.neigh.delete(n);
  ctx.world.touch();
}

function neighAdd(ctx: Ctx, args: string[]): void {
  const a = new Argv(ctx, args);
  let addr: number | undefined;
  let mac: string | undefined;
  let devName: string | undefined;
  let nud: NudState = 'PERMANENT';
  while (!a.done) {
    const t = a.take();
    if (t === 'lladdr') mac = a.next().toLowerCase();
    else if (t === 'dev') devName = a.next();
    else if (t === 'nud') nud = a.next().toUpperCase() as NudState;
    else if (t === 'to') addr = parseIpv4(a.next()) ?? undefined;
    else addr = parseIpv4(t) ?? fail(ctx, `Error: any valid prefix is expected rather than "${t}".\n`, 1);
  }
  if (devName === undefined || addr === undefined) fail(ctx, 'Device and destination are required arguments.\n', 255);
  const dev = devOrFail(ctx, devName!);
  const n = ctx.ns.neigh.get(dev, addr as never) ?? ctx.ns.neigh.create(dev, addr as never, ctx.world.now);
  n.state = nud;
  n.mac = mac as Mac | undefined;
  n.timerGen++;
  ctx.world.touch();
}

function neighDel(ctx: Ctx, args: string[]): void {
  const f = parse(ctx, args);
  if (!f.dev || f.addr === undefined) fail(ctx, 'Device and destination are required arguments.\n', 255);
  const n = select(ctx, { ...f, nud: 'ALL' })[0];
  if (!n) fail(ctx, 'RTNETLINK answers: No such file or directory\n', 2);
  ctx.ns.neigh.delete(n);
  ctx.world.touch();
}
