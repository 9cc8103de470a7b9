/**
 * Wall-clock dates for tools that print one (dig's WHEN:). The lab's virtual clock starts at
 * LAB_EPOCH; dates are formatted in UTC, as on a machine whose TZ is UTC, with no real clock read.
 */
import { LAB_EPOCH_MS } from '../../kube/dns/epoch';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** strftime("%a %b %d %H:%M:%S %Z %Y") for virtual time `nowMs`. */
export function whenText(nowMs: number): string {
  const d = new Date(LAB_EPOCH_MS + Math.floor(nowMs));
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
