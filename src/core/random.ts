/**
 * Seeded randomness. Every random choice in Tact goes through a `Random`, so a
 * decision can be replayed exactly from its seed (the decision id's hash) and
 * tests are deterministic.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** sfc32: small, fast, passes PractRand; 128-bit state from a 32-bit seed. */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    let { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return (t >>> 0) / 4294967296;
  }
}

/** Standard normal draw (Box-Muller; one of the pair is discarded for simplicity). */
export function gaussian(rng: Random): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Integer in [0, n). */
export function randomInt(rng: Random, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T>(items: T[], rng: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}
