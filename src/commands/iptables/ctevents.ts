/**
 * `conntrack -E`: print the namespace's conntrack events as they happen (event_cb in
 * conntrack-tools), until a signal ends it; then, like the tool's signal handler, say how many
 * were shown on standard error and exit 0.
 */
import { ctListen, type CtEvent, type CtEventType, type CtListener } from '../../engine/conntrack/events';
import { ctTableIfAny } from '../../engine/conntrack/table';
import { Signaled, waitUntil, type Proc } from '../../engine/proc/task';
import type { Ctx } from '../context';
import { conntrackLine, matches, PREFIX, type Filter } from './ctformat';

export interface EventOpts {
  extended: boolean;
  /** -o timestamp: the event's time, here the virtual clock's, in seconds */
  timestamp: boolean;
  /** -e */
  mask: ReadonlySet<CtEventType>;
}

function eventLine(e: CtEvent, o: EventOpts): string {
  let s = o.timestamp ? `[${(e.at / 1000).toFixed(6)}]\t` : '';
  s += `${`[${e.type}]`.padStart(9)} ${conntrackLine(e.ct, e.at, o.extended, e.type)}`;
  if (e.portid !== undefined) s += ` [USERSPACE] portid=${e.portid} progname=conntrack`;
  return `${s}\n`;
}

export function* conntrackEvents(ctx: Ctx, table: string, f: Filter, o: EventOpts): Proc {
  const ns = ctx.ns;
  const l: CtListener = { events: [], waker: ctx.task };
  // the expectation table has no events here: Hoplab has no conntrack helpers
  const stop = table === 'expect' ? () => undefined : ctListen(ns, l);
  let shown = 0;
  try {
    for (;;) {
      // an entry whose time ran out ends now (the kernel's gc reports it a little later)
      ctTableIfAny(ns)?.list();
      for (const e of l.events.splice(0)) {
        if (!o.mask.has(e.type) || !matches(e.ct, f)) continue;
        ctx.out.push(eventLine(e, o));
        shown++;
      }
      yield waitUntil(ctTableIfAny(ns)?.nextExpiry() ?? Infinity);
    }
  } catch (e) {
    if (!(e instanceof Signaled)) throw e;
    ctx.err.push(`${PREFIX}${shown} flow events have been shown.\n`);
    return 0;
  } finally {
    stop();
  }
}
