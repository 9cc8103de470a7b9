/**
 * kubectl describe's writing helpers (k8s.io/kubectl/pkg/describe): a prefix writer (two spaces a
 * level) into a tabwriter (minwidth 0, padding 2), labels and annotations one per line, the
 * Events table, timestamps as time.RFC1123Z and ages as duration.HumanDuration.
 */
import { GoTabwriter } from './tabwriter';
import { CLUSTER_EPOCH_MS, humanDuration, parseTimestamp } from '../../../kube/apiserver/clock';
import type { KubeEvent } from '../../../kube/api/types';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATION_LEN = 140;

export class PrefixWriter {
  readonly tw = new GoTabwriter(0, 2);

  write(level: number, text: string): void {
    this.tw.write('  '.repeat(level) + text);
  }

  /** fmt.Sprintln: the words and a newline */
  writeLine(text: string): void {
    this.tw.write(`${text}\n`);
  }

  flush(): void {
    this.tw.flush();
  }

  toString(): string {
    return this.tw.toString();
  }
}

/** tabbedString: run a describer over a fresh writer and return the aligned text. */
export function tabbed(f: (w: PrefixWriter) => void): string {
  const w = new PrefixWriter();
  f(w);
  return w.toString();
}

export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const indent = '\t';
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, indent);
    const value = annotations![key].replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(0, `${indent}  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s}\n`);
    } else w.write(0, `${key}: ${value}\n`);
  });
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** time.RFC1123Z in UTC: `Wed, 01 Jan 2025 00:00:05 +0000` */
export function rfc1123z(ts: string | undefined): string {
  const ms = parseTimestamp(ts);
  const d = new Date(CLUSTER_EPOCH_MS + (Number.isNaN(ms) ? -CLUSTER_EPOCH_MS : ms));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** translateTimestampSince */
export const since = (ts: string | undefined, now: number): string => (ts ? humanDuration(now - parseTimestamp(ts)) : '<unknown>');

/** DescribeEvents: the events of the object, oldest first, in a table of their own. */
export function describeEvents(events: KubeEvent[] | undefined, w: PrefixWriter, now: number): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  // SortableEvents: by lastTimestamp (events.k8s.io-style events have none and come first)
  const last = (e: KubeEvent) => (e.lastTimestamp ? parseTimestamp(e.lastTimestamp) : -Infinity);
  const sorted = [...events].sort((a, b) => last(a) - last(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = since(e.eventTime ?? e.firstTimestamp ?? undefined, now);
    const interval = (e.count ?? 1) > 1 ? `${since(e.lastTimestamp ?? undefined, now)} (x${e.count} over ${first})` : first;
    w.write(1, `${e.type}\t${e.reason}\t${interval}\t${e.source?.component || e.reportingComponent || ''}\t${(e.message ?? '').trim()}\n`);
  }
}
