'use strict';
// A small seeded PRNG (mulberry32) and the choices the generators make with
// it. Every schema and every document gets its own stream, derived from the
// run's seed and its indexes, so one case can be replayed without generating
// the cases before it.

// Mixes integers into one 32-bit seed (a murmur3-style finaliser per step),
// so that nearby indexes give unrelated streams.
function deriveSeed(...parts) {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Random {
  constructor(seed) {
    this.state = seed >>> 0;
  }

  // mulberry32: a uniform float in [0, 1).
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p) {
    return this.next() < p;
  }

  pick(list) {
    if (list.length === 0)
      throw new Error('random.pick: empty list');
    return list[Math.floor(this.next() * list.length)];
  }

  /** Picks from [[weight, value], ...]. */
  weighted(entries) {
    let total = 0;
    for (const [w] of entries)
      total += w;
    let r = this.next() * total;
    for (const [w, v] of entries) {
      r -= w;
      if (r < 0)
        return v;
    }
    return entries[entries.length - 1][1];
  }

  /** `n` distinct items of `list` (fewer if the list is shorter), in list order. */
  sample(list, n) {
    const idx = list.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, n).sort((a, b) => a - b).map(i => list[i]);
  }
}

module.exports = { Random, deriveSeed };
