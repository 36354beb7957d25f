// SHA-256 (FIPS 180-4), synchronous: checking the HELLO's schema text against its fingerprint must
// not depend on crypto.subtle, which browsers offer only in secure contexts and only asynchronously.

const K = new Uint32Array(64);
const H0 = new Uint32Array(8);
{
  // the first 32 bits of the fractional parts of the square roots (H0) and cube roots (K) of the
  // first 64 primes
  let n = 0;
  for (let p = 2; n < 64; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false;
    if (!prime) continue;
    const frac = (x: number): number => ((x - Math.floor(x)) * 0x100000000) >>> 0;
    if (n < 8) H0[n] = frac(Math.sqrt(p));
    K[n++] = frac(Math.cbrt(p));
  }
}

/** Rotates `x` right by `n` bits. */
const rot = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

export function sha256(data: Uint8Array): Uint8Array {
  const len = data.length;
  const words = ((len + 72) >> 6) << 4; // 16 per 64-byte block, with room for 0x80 and the 64-bit length
  const m = new Int32Array(words);
  for (let i = 0; i < len; i++) m[i >> 2]! |= data[i]! << (24 - 8 * (i & 3));
  m[len >> 2]! |= 0x80 << (24 - 8 * (len & 3));
  m[words - 2] = len / 0x20000000;
  m[words - 1] = len << 3;
  const h = Int32Array.from(H0);
  const w = new Int32Array(64);
  for (let off = 0; off < words; off += 16) {
    for (let i = 0; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      w[i] =
        i < 16
          ? m[off + i]!
          : w[i - 16]! + (rot(a, 7) ^ rot(a, 18) ^ (a >>> 3)) + w[i - 7]! + (rot(b, 17) ^ rot(b, 19) ^ (b >>> 10));
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const t2 = (rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((x, i) => (h[i]! += x));
  }
  return Uint8Array.from({ length: 32 }, (_, i) => h[i >> 2]! >>> (24 - 8 * (i & 3)));
}
