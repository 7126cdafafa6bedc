import { describe, expect, it } from 'vitest';
import {
  type FleetProgress,
  formatProgressLine,
  ProgressReporter,
  progressMode,
} from '../../src/fleet/progress.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const p = (done: number, extra: Partial<FleetProgress> = {}): FleetProgress => ({
  total: 100,
  done,
  resumed: 0,
  failures: 0,
  startedAtMs: 0,
  ...extra,
});

describe('progress', () => {
  it('mode: CI or no TTY prints lines, a TTY gets a bar, --quiet nothing', () => {
    expect(progressMode({ isTty: true, env: {} })).toBe('tty');
    expect(progressMode({ isTty: true, env: { CI: 'true' } })).toBe('lines');
    expect(progressMode({ isTty: false, env: {} })).toBe('lines');
    expect(progressMode({ isTty: true, env: { CI: 'false' } })).toBe('tty');
    expect(progressMode({ isTty: true, env: {}, quiet: true })).toBe('quiet');
  });

  it('line: done/total, rate, failures, resumed and ETA', () => {
    expect(formatProgressLine(p(50, { failures: 3 }), 10_000)).toBe(
      'fleet: 50/100 (50%), 5.0/s, 3 failed, ETA 0:10',
    );
    // Resumed identities do not count in the rate.
    expect(formatProgressLine(p(60, { resumed: 40 }), 10_000)).toBe(
      'fleet: 60/100 (60%), 2.0/s, 0 failed, 40 resumed, ETA 0:20',
    );
    expect(formatProgressLine(p(0), 0)).toBe('fleet: 0/100 (0%), 0.0/s, 0 failed, ETA ?');
  });

  it('CI mode writes one line every 5 s at most, whatever the update rate', () => {
    const c = clock();
    const out: string[] = [];
    const r = new ProgressReporter({ write: (s) => out.push(s), mode: 'lines', now: c.now });
    for (let i = 0; i <= 100; i++) {
      r.update(p(i));
      c.advance(120); // 12 s in all
    }
    expect(out).toHaveLength(3); // t=0, t>=5s, t>=10s
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    r.finish(p(100));
    expect(out.at(-1)).toMatch(/^fleet: 100\/100 \(100%\)/);
  });

  it('TTY mode redraws in place at most 10 times a second and ends the line', () => {
    const c = clock();
    const out: string[] = [];
    const r = new ProgressReporter({ write: (s) => out.push(s), mode: 'tty', now: c.now });
    for (let i = 0; i < 100; i++) {
      r.update(p(i));
      c.advance(10); // 1 s in all
    }
    expect(out).toHaveLength(10);
    expect(out[0]).toMatch(/^\r\[\.+\] 0\/100/);
    r.finish(p(100));
    expect(out.at(-2)).toMatch(/^\r\[#{24}\] 100\/100/);
    expect(out.at(-1)).toBe('\n');
  });

  it('quiet writes nothing', () => {
    const out: string[] = [];
    const r = new ProgressReporter({ write: (s) => out.push(s), mode: 'quiet' });
    r.update(p(1));
    r.finish(p(100));
    expect(out).toEqual([]);
  });
});
