/**
 * The identity cap of an adaptive fleet run follows this thread's CPU (src/fleet/run.ts
 * LoopCap): a saturated event loop shrinks it from the identities in flight, a loop with room
 * grows it, never outside [ADAPTIVE_MIN_IDENTITIES, ADAPTIVE_MAX_IDENTITIES].
 */
import { describe, expect, it } from 'vitest';
import { ADAPTIVE_MAX_IDENTITIES, ADAPTIVE_MIN_IDENTITIES, LoopCap } from '../../src/fleet/run.js';

/** A cap driven by a scripted clock and scripted utilisations (one per window). */
function scripted(busy: number[]) {
  let t = 0;
  let asked = 0;
  const cap = new LoopCap(
    () => busy[asked++] ?? 0.5,
    () => t,
  );
  return {
    cap,
    /** Moves the clock past one window. */
    tick: () => {
      t += 250;
    },
    asked: () => asked,
  };
}

describe('fleet: identities in flight follow the CPU (LoopCap)', () => {
  it('starts wide open and judges the loop at most once per window', () => {
    const s = scripted([1]);
    expect(s.cap.current(300)).toBe(ADAPTIVE_MAX_IDENTITIES);
    expect(s.cap.current(300)).toBe(ADAPTIVE_MAX_IDENTITIES);
    expect(s.asked()).toBe(0);
    s.tick();
    expect(s.cap.current(300)).toBe(270);
    expect(s.cap.current(300)).toBe(270);
    expect(s.asked()).toBe(1);
  });

  it('a saturated loop shrinks the cap by 10% a window from the identities in flight, never below the minimum', () => {
    const s = scripted(Array.from({ length: 60 }, () => 0.99));
    s.tick();
    expect(s.cap.current(200)).toBe(180);
    s.tick();
    // Fewer in flight than the cap: it shrinks from those.
    expect(s.cap.current(100)).toBe(90);
    let cap = 90;
    for (let i = 0; i < 50; i++) {
      s.tick();
      cap = s.cap.current(cap);
    }
    expect(cap).toBe(ADAPTIVE_MIN_IDENTITIES);
  });

  it('a loop with room grows the cap by 25% a window up to the maximum; in between it holds', () => {
    const s = scripted([0.99, 0.99, 0.95, 0.5, 0.5, ...Array.from({ length: 30 }, () => 0.1)]);
    s.tick();
    expect(s.cap.current(40)).toBe(36);
    s.tick();
    expect(s.cap.current(36)).toBe(32);
    s.tick();
    expect(s.cap.current(32)).toBe(32); // 0.95: neither saturated nor with room
    s.tick();
    expect(s.cap.current(32)).toBe(40);
    s.tick();
    expect(s.cap.current(40)).toBe(50);
    let cap = 50;
    for (let i = 0; i < 30; i++) {
      s.tick();
      cap = s.cap.current(cap);
    }
    expect(cap).toBe(ADAPTIVE_MAX_IDENTITIES);
  });
});
