/** Ethernet addresses as lower-case "aa:bb:cc:dd:ee:ff" strings. */
export type Mac = string & { readonly __brand: 'Mac' };

export const MAC_ZERO = '00:00:00:00:00:00' as Mac;
export const MAC_BROADCAST = 'ff:ff:ff:ff:ff:ff' as Mac;

export function macFromBytes(b: ArrayLike<number>): Mac {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push((b[i] & 255).toString(16).padStart(2, '0'));
  return out.join(':') as Mac;
}

export function macBytes(mac: Mac): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

/** eth_random_addr(): random, locally administered, unicast. */
export function randomMac(next: () => number): Mac {
  const b = [0, 0, 0, 0, 0, 0].map(() => Math.floor(next() * 256));
  b[0] = (b[0] & 0xfe) | 0x02;
  return macFromBytes(b);
}

/** memcmp order, as the bridge uses to pick its lowest port address. */
export const macCompare = (a: Mac, b: Mac): number => (a < b ? -1 : a > b ? 1 : 0);
