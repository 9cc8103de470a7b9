/** The 1,000-host lab the browser suite pans and zooms (kept apart so tests need not load Playwright). */
import { serializeLab } from '../src/store/persist';
import type { LabDoc } from '../src/store/doc';

/** A lab file with `n` hosts on LANs of 50 (what the import button takes). */
export function bigLab(n: number): string {
  const hosts = Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(4, '0')}`);
  const lans: Record<string, string[]> = {};
  hosts.forEach((h, i) => (lans[`lan${Math.floor(i / 50)}`] ??= []).push(`${h}:eth0`));
  const doc: LabDoc = {
    title: `${n} hosts`,
    preset: null,
    base: { name: `hosts-${n}`, hosts, lans, steps: [] },
    ops: [],
    positions: {},
  };
  return serializeLab(doc);
}
