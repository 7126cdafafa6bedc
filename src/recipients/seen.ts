/**
 * A set of strings kept as 64-bit hashes in typed arrays (open addressing, linear probing):
 * 8 bytes a slot instead of a string and a Map entry each, so the duplicates of a list of
 * millions of addresses cost tens of MB, not hundreds. Two addresses whose 64-bit hashes
 * collide count as duplicates: with n = 1,000,000 entries the chance of any false duplicate is
 * about n^2 / 2^65, 3 in 100 million.
 */

/** Slots of a new set (a power of two). */
const INITIAL_SLOTS = 1 << 16;
/** The table doubles when it is this full: probes stay short. */
const MAX_LOAD = 0.7;
/** FNV-1a 32-bit offset basis and prime (two different bases give two independent halves). */
const FNV_OFFSET_A = 0x811c9dc5;
const FNV_OFFSET_B = 0x01000193 ^ 0x5bd1e995;
const FNV_PRIME = 0x01000193;

/** Two 32-bit FNV-1a hashes of the UTF-16 code units of `s`, mixed; never both zero (empty slot). */
function hash64(s: string): [number, number] {
  let a = FNV_OFFSET_A;
  let b = FNV_OFFSET_B;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ (c & 0xff), FNV_PRIME);
    b = Math.imul(b ^ (c >>> 8), FNV_PRIME);
  }
  // Final avalanche (murmur3 fmix32) so that the low bits index well.
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  const hi = a >>> 0;
  const lo = b >>> 0;
  return hi === 0 && lo === 0 ? [1, 0] : [hi, lo];
}

export class HashedStringSet {
  private hi = new Uint32Array(INITIAL_SLOTS);
  private lo = new Uint32Array(INITIAL_SLOTS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength;
  }

  /** Adds `s`; true when it was already there. */
  addSeen(s: string): boolean {
    const [h, l] = hash64(s);
    if (this.find(h, l)) return true;
    if ((this.count + 1) / this.hi.length > MAX_LOAD) this.grow();
    this.insert(h, l);
    this.count++;
    return false;
  }

  private find(h: number, l: number): boolean {
    const mask = this.hi.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const sh = this.hi[i] as number;
      const sl = this.lo[i] as number;
      if (sh === 0 && sl === 0) return false;
      if (sh === h && sl === l) return true;
    }
  }

  private insert(h: number, l: number): void {
    const mask = this.hi.length - 1;
    let i = h & mask;
    while ((this.hi[i] as number) !== 0 || (this.lo[i] as number) !== 0) i = (i + 1) & mask;
    this.hi[i] = h;
    this.lo[i] = l;
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    this.hi = new Uint32Array(oldHi.length * 2);
    this.lo = new Uint32Array(oldLo.length * 2);
    for (let i = 0; i < oldHi.length; i++) {
      const h = oldHi[i] as number;
      const l = oldLo[i] as number;
      if (h !== 0 || l !== 0) this.insert(h, l);
    }
  }
}
