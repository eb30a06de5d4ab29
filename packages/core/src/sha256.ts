/**
 * SHA-256 (FIPS 180-4 §6.2), synchronous, in plain JavaScript.
 *
 * Why not `crypto.subtle.digest`: for the 1–5 KB documents the resolver digests, Web Crypto's
 * cost is almost all overhead: each call is queued to a worker thread and settles a promise
 * later. On Node 20 that measured ~50 µs of CPU and ~130 µs of latency per cold resolution
 * (`bench/discovery.bench.ts`), a third of everything the resolver added to a fetch; this function
 * takes about 10 µs for 1 KB and stays runtime-neutral. Checked against the FIPS test vectors and
 * against Node's own SHA-256 on random inputs of every length around the block boundaries
 * (`test/sha256.test.ts`).
 */

/**
 * The first 32 bits of the fractional parts of the cube roots of the first 64 primes. Int32, like
 * every word below: values over 2^31 would otherwise leave V8's fast integer arithmetic.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The message schedule, reused: the function is synchronous and never re-entered. */
const w = new Int32Array(64);

/**
 * The 32-byte SHA-256 digest of `data`. Written for V8's fast integer path: words are int32, the
 * rotations ROTR^n(x) = (x >>> n) | (x << (32 - n)) are spelled out with constant shifts, and the
 * hash state lives in plain local variables (a destructured array of them made it three times
 * slower).
 */
export function sha256(data: Uint8Array): Uint8Array {
  // Padding (§5.1.1): a 1 bit, zeros, and the bit length as 64 bits, to a multiple of 64 bytes.
  const n = (((data.length + 8) >> 6) + 1) << 6;
  const m = new Uint8Array(n);
  m.set(data);
  m[data.length] = 0x80;
  const length = new DataView(m.buffer, n - 8);
  length.setUint32(0, Math.floor(data.length / 0x20000000));
  length.setUint32(4, (data.length << 3) >>> 0);

  // The initial hash value (§5.3.3): the first 32 bits of the fractional parts of the square
  // roots of the first 8 primes.
  let h0 = 0x6a09e667 | 0;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372 | 0;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab | 0;
  let h7 = 0x5be0cd19 | 0;
  for (let offset = 0; offset < n; offset += 64) {
    for (let t = 0, i = offset; t < 16; t++, i += 4) {
      w[t] = ((m[i] as number) << 24) | ((m[i + 1] as number) << 16) | ((m[i + 2] as number) << 8) | (m[i + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15] as number;
      const y = w[t - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (w[t] as number)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  const out = new Uint8Array(32);
  const digest = new DataView(out.buffer);
  [h0, h1, h2, h3, h4, h5, h6, h7].forEach((word, i) => digest.setInt32(4 * i, word));
  return out;
}
