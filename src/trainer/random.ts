// Seeded randomness for everything the trainer makes up: synthetic data, which digits are taken, the
// train/validation split, initial weights and the order of batches.
//
// Why our own generator: Math.random cannot be seeded, and comparisons are only fair when every run of
// a comparison sees the same data, the same initial weights and the same batches (same seed). Pure JS
// keeps it identical on every backend and machine.
//
// Why named streams (`new Random(seed, 'split')`): each use draws from its own stream, so changing one
// setting (say validationSplit) does not reshuffle the data points, and the engine's batch order does not
// depend on how many numbers dataset generation happened to draw.

/** splitmix32 step: a good 32-bit mixer, used to hash seeds and fill the generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a tag. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A 32-bit seed in [1, 2^32) for a (seed, purpose) pair. Never 0: tfjs treats seed 0 as "unseeded"
 * in its initializers. Any finite number is a valid seed (negative, fractional and > 2^32 included).
 */
export function deriveSeed(seed: number, stream = ''): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  const lo = whole >>> 0;
  const hi = Math.floor(whole / 4294967296) >>> 0;
  // Fractions would be silently dropped by the integer mixing; fold them in too.
  const frac = Math.round((seed - whole) * 4294967296) >>> 0;
  let h = splitmix32(lo ^ splitmix32(hi ^ splitmix32(frac)));
  h = splitmix32(h ^ hashString(stream));
  return h === 0 ? 1 : h;
}

/**
 * xoshiro128** (Blackman & Vigna): small, fast, statistically sound for simulation, period 2^128 - 1.
 * Better than mulberry32 (period 2^32, not every output reachable) for datasets of many draws.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller yields normals in pairs; the second is kept for the next call. */
  private spare: number | null = null;

  constructor(seed: number, stream = '') {
    let x = deriveSeed(seed, stream);
    this.s0 = x = splitmix32(x);
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) throw new RangeError(`int(n): bad n ${n}`);
    // Rejection sampling: discard the top partial bucket of the 32-bit range.
    const limit = 4294967296 - (4294967296 % n);
    let r: number;
    do r = this.nextUint32();
    while (r >= limit);
    return r % n;
  }

  /** Normal(mean, std) by the Box-Muller transform. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    // 1 - next() is in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Fisher-Yates shuffle, in place; returns its argument. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
