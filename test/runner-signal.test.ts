import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Check } from '../src/check.js';
import type { Target } from '../src/report.js';
import { runAudit } from '../src/runner.js';
import { memoryProbe, memoryResolver } from './helpers/memory-resolver.js';

/** An empty world: every name is NXDOMAIN. */
const probe = memoryProbe(memoryResolver({}));
const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
const check = (id: string): Check<unknown> => ({
  id,
  title: id,
  appliesTo: ['domain'],
  findings: {},
  collect: async () => ({}),
  judge: () => [],
});

describe('runner and a run-wide signal (fleet runs)', () => {
  it('leaves no listener on the shared signal once an audit is done', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      await runAudit(target, {
        probe,
        checks: [check('a'), check('b'), check('c')],
        signal: controller.signal,
      });
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('still cancels an audit in flight', async () => {
    const controller = new AbortController();
    const slow: Check<unknown> = { ...check('slow'), collect: () => new Promise(() => {}) };
    const running = runAudit(target, { probe, checks: [slow], signal: controller.signal });
    controller.abort();
    const report = await running;
    expect(report.checks['slow']?.status).toBe('unknown');
    expect(report.checks['slow']?.error).toMatch(/cancelled/);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
