import { describe, expect, it } from 'vitest';
import { base32, hex, sha256, sha512 } from './digest';

describe('digests', () => {
  it('match the FIPS 180-4 test vectors', () => {
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(hex(sha512('abc'))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    // two blocks: the padding spills into a second 128-byte block
    expect(hex(sha512('a'.repeat(200)))).toBe('4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f');
  });

  it('hashes text as UTF-8', () => {
    expect(hex(sha256('é€😀'))).toBe('df9226927fd572c1ee66eec85de1bb139497614899f36e4e90474cb71f6ef9d0');
  });

  it('encodes base32 as Go StdEncoding does, padding included', () => {
    expect(base32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI======');
    expect(base32(new TextEncoder().encode('f'))).toBe('MY======');
  });

  it("gives kube-proxy's known chain hash for kube-dns", () => {
    expect(base32(sha256('kube-system/kube-dns:dnsudp')).slice(0, 16)).toBe('TCOU7JCQXEZGVUNU');
  });
});
