/** The DNS concurrency limiter (src/probe/limiter.ts): fixed and adaptive. */
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_MAX,
  ADAPTIVE_MIN,
  ADAPTIVE_START,
  ConcurrencyLimiter,
  type Outcome,
} from '../../src/probe/limiter.js';

/** Two growth steps of 1.25. */
const GROWTH_TWICE = 1.25 * 1.25;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `n` tasks through the limiter at once; each takes `latency(i)` ms and ends as `outcome(i)`. */
async function drive(
  limiter: ConcurrencyLimiter,
  n: number,
  latency: (i: number) => number,
  outcome: (i: number) => Outcome = () => 'ok',
): Promise<{ maxActive: number; order: number[] }> {
  let active = 0;
  let maxActive = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      limiter.run(
        async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          order.push(i);
          await sleep(latency(i));
          active--;
          return i;
        },
        (i) => outcome(i),
      ),
    ),
  );
  return { maxActive, order };
}

describe('ConcurrencyLimiter', () => {
  it('fixed: never more than the limit in flight, started in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(5);
    const { maxActive, order } = await drive(limiter, 60, () => 2);
    expect(maxActive).toBe(5);
    expect(order).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(limiter.load()).toEqual({ active: 0, queued: 0, limit: 5 });
  });

  it('fixed: a task that throws frees its slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(
      limiter.run(
        () => Promise.reject(new Error('boom')),
        () => 'ok',
      ),
    ).rejects.toThrow('boom');
    expect(
      await limiter.run(
        () => Promise.resolve(7),
        () => 'ok',
      ),
    ).toBe(7);
  });

  it('rejects a limit below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(/>= 1/);
  });

  it('adaptive: grows while questions wait and latency holds', async () => {
    const limiter = new ConcurrencyLimiter();
    expect(limiter.load().limit).toBe(ADAPTIVE_START);
    await drive(limiter, 6000, () => 3);
    expect(limiter.load().limit).toBeGreaterThan(ADAPTIVE_START);
    expect(limiter.load().limit).toBeLessThanOrEqual(ADAPTIVE_MAX);
  });

  it('adaptive: does not grow when nothing waits (the work, not the limit, sets the pace)', async () => {
    const limiter = new ConcurrencyLimiter();
    for (let round = 0; round < 20; round++) await drive(limiter, 100, () => 1);
    expect(limiter.load().limit).toBe(ADAPTIVE_START);
  });

  it('adaptive: backs off when questions time out or SERVFAIL, never below the floor', async () => {
    const limiter = new ConcurrencyLimiter();
    await drive(
      limiter,
      3000,
      () => 1,
      (i) => (i % 5 === 0 ? 'failure' : 'ok'),
    );
    expect(limiter.load().limit).toBeLessThan(ADAPTIVE_START);
    await drive(
      limiter,
      3000,
      () => 1,
      () => 'failure',
    );
    expect(limiter.load().limit).toBe(ADAPTIVE_MIN);
  });

  it('adaptive: backs off when latency climbs well above its floor (queues building up)', async () => {
    const limiter = new ConcurrencyLimiter();
    await drive(limiter, 1000, () => 2);
    const before = limiter.load().limit;
    await drive(limiter, 1500, () => 40);
    expect(limiter.load().limit).toBeLessThan(before);
  });

  it('adaptive: a latency rise from its own busy event loop does not back off (the delay is ours)', async () => {
    const limiter = new ConcurrencyLimiter();
    await drive(limiter, 1000, () => 2);
    const before = limiter.load().limit;
    // The same 2 ms answers, read late because this process blocks its loop 40 ms at a time.
    let blocking = true;
    const hog = (async () => {
      while (blocking) {
        const until = performance.now() + 40;
        while (performance.now() < until) {
          // busy: the loop cannot read answers
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    await drive(limiter, 1500, () => 2);
    blocking = false;
    await hog;
    expect(limiter.load().limit).toBeGreaterThanOrEqual(before);
  });

  it('adaptive: grows while questions queued before the window still wait (all asked at once)', async () => {
    const limiter = new ConcurrencyLimiter();
    // 8,000 questions queued at the start, none arriving later: the queue alone shows the limit is in the way.
    await drive(limiter, 8000, () => 2);
    expect(limiter.load().limit).toBeGreaterThan(ADAPTIVE_START * GROWTH_TWICE);
  });

  it('adaptive: doubles per window until the first congestion (slow start), then grows by a quarter', async () => {
    const limiter = new ConcurrencyLimiter();
    // 128 + 256 + 512 + 1024 questions: four clean windows take it to the ceiling.
    await drive(limiter, 4000, () => 2);
    expect(limiter.load().limit).toBe(ADAPTIVE_MAX);
    // A failing stretch backs off and ends slow start: clean windows then grow by 1.25 each.
    await drive(
      limiter,
      10000,
      () => 1,
      () => 'failure',
    );
    const low = limiter.load().limit;
    expect(low).toBeLessThan(ADAPTIVE_START);
    // Three windows' worth of clean questions: 1.25^3 < 2.5, where doubling would give 4x or more.
    await drive(limiter, 3 * Math.max(64, low), () => 2);
    expect(limiter.load().limit).toBeGreaterThan(low);
    expect(limiter.load().limit).toBeLessThan(low * 2.5);
  });
});
