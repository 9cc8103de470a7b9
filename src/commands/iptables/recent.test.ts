import { describe, expect, it } from 'vitest';
import { runCommand } from '../job';
import { twoHosts } from '../testLab';
import { recentLists } from '../../engine/netfilter/xt/recent';

const lab = () => {
  const w = twoHosts();
  for (const h of ['h1', 'h2']) runCommand(w, h, 'ip link set eth0 up');
  const sh = (on: string, line: string) => runCommand(w, on, line);
  const ping = () => sh('h1', 'ping -c 1 -W 1 10.0.0.2').exit;
  return { w, sh, ping };
};

describe('-m recent on packets', () => {
  it('forgets an address once --seconds have passed since it was set', () => {
    const { w, sh, ping } = lab();
    sh('h2', 'iptables -A INPUT -p icmp -m recent --rcheck --seconds 5 --name seen -j DROP');
    sh('h2', 'iptables -A INPUT -p icmp -m recent --set --name seen');
    expect(ping()).toBe(0);
    expect(ping()).toBe(1);
    w.advance(6_000);
    expect(ping()).toBe(0);
    expect([...recentLists(w.netns('h2')!).get('seen')!].map((e) => e.addr)).toEqual(['10.0.0.1']);
  });

  it('--update keeps renewing the time, so a steady sender stays caught', () => {
    const { w, sh, ping } = lab();
    sh('h2', 'iptables -A INPUT -p icmp -m recent --update --seconds 5 --name seen -j DROP');
    sh('h2', 'iptables -A INPUT -p icmp -m recent --set --name seen');
    expect(ping()).toBe(0);
    // a dropped ping waits its 1 s: every try comes 4 s after the one before
    for (let i = 0; i < 3; i++) {
      w.advance(3_000);
      expect(ping()).toBe(1);
    }
    w.advance(6_000);
    expect(ping()).toBe(0);
  });

  it('--reap removes the least recently seen address once it is older than --seconds', () => {
    const { w, sh, ping } = lab();
    sh('h2', 'iptables -A INPUT -p icmp -s 10.0.0.1 -m recent --set --name seen');
    sh('h2', 'iptables -A INPUT -p icmp -m recent --set --name seen --rdest');
    expect(ping()).toBe(0);
    const names = () => [...recentLists(w.netns('h2')!).get('seen')!].map((e) => e.addr);
    expect(names()).toEqual(['10.0.0.1', '10.0.0.2']);
    sh('h2', 'iptables -F INPUT');
    sh('h2', 'iptables -A INPUT -p icmp -m recent --rcheck --seconds 5 --reap --name seen');
    w.advance(6_000);
    expect(ping()).toBe(0);
    // 10.0.0.1 was found first, then (older than 5 s and first in LRU order) reaped
    expect(names()).toEqual(['10.0.0.2']);
  });
});
