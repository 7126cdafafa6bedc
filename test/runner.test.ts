import { describe, expect, it } from 'vitest';
import type { Check } from '../src/check.js';
import type { Target } from '../src/report.js';
import { runAudit, runCheck } from '../src/runner.js';
import { memoryProbe, memoryResolver } from './helpers/memory-resolver.js';

/** An empty world: every name is NXDOMAIN. */
const probe = memoryProbe(memoryResolver({}));
const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };

function check(id: string, overrides: Partial<Check<unknown>>): Check<unknown> {
  return {
    id,
    title: `${id} check`,
    appliesTo: ['domain'],
    findings: {
      bad: {
        severity: 'error',
        title: 'Bad',
        message: 'bad {what}',
        fix: 'fix {what}',
        conditions: ['spf-suspicious'],
      },
      meh: { severity: 'warning', title: 'Meh', message: 'meh', fix: 'do better' },
    },
    collect: async () => ({ seen: true }),
    judge: () => [],
    ...overrides,
  };
}

describe('runner', () => {
  it('expands findings from the check metadata, with templates filled and replies predicted', async () => {
    const report = await runAudit(target, {
      probe,
      checks: [
        check('one', {
          judge: () => [{ key: 'bad', data: { what: 'x' }, evidence: { record: 'v=spf1 +all' } }],
        }),
      ],
    });
    const f = report.checks.one?.findings[0];
    expect(f?.id).toBe('one/bad');
    expect(f?.message).toBe('bad x');
    expect(f?.remediation).toBe('fix x');
    expect(f?.predictedReplies.some((r) => r.enhanced === '4.7.24')).toBe(true);
    expect(report.status).toBe('fail');
    expect(report.checks.one?.evidence).toEqual({ seen: true });
    expect(report.predictedReplies.find((r) => r.enhanced === '4.7.24')?.findings).toEqual(['one/bad']);
  });

  it('turns a check that throws into unknown with the error, and still runs the others', async () => {
    const report = await runAudit(target, {
      probe,
      checks: [
        check('boom', {
          collect: async () => {
            throw new Error('kaput');
          },
        }),
        check('fine', { judge: () => [{ key: 'meh', evidence: {} }] }),
      ],
    });
    expect(report.checks.boom?.status).toBe('unknown');
    expect(report.checks.boom?.error).toContain('kaput');
    expect(report.checks.fine?.status).toBe('warn');
    expect(report.status).toBe('unknown');
  });

  it('turns a judge that throws into unknown', async () => {
    const report = await runAudit(target, {
      probe,
      checks: [
        check('j', {
          judge: () => {
            throw new Error('judge bug');
          },
        }),
      ],
    });
    expect(report.checks.j?.status).toBe('unknown');
    expect(report.checks.j?.error).toContain('judge bug');
  });

  it('bounds a check that never finishes with its deadline, and aborts its signal', async () => {
    let aborted = false;
    const t0 = Date.now();
    const report = await runAudit(target, {
      probe,
      deadlineMs: 150,
      checks: [
        check('hang', {
          collect: (_t, ctx) =>
            new Promise(() => {
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
              });
            }),
        }),
      ],
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(report.checks.hang?.status).toBe('unknown');
    expect(report.checks.hang?.error).toMatch(/within 150 ms/);
    expect(aborted).toBe(true);
  });

  it('runs the checks of an audit under one signal and one deadline: a slow check is cut, a quick one kept', async () => {
    const signals: AbortSignal[] = [];
    const report = await runAudit(target, {
      probe,
      deadlineMs: 150,
      checks: [
        check('quick', {
          collect: async (_t, ctx) => {
            signals.push(ctx.signal);
            return { quick: true };
          },
          judge: () => [{ key: 'meh', evidence: {} }],
        }),
        check('hang', {
          collect: (_t, ctx) => {
            signals.push(ctx.signal);
            return new Promise(() => {});
          },
        }),
      ],
    });
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBe(signals[1]);
    expect(signals[0]?.aborted).toBe(true);
    expect(report.checks.quick?.status).toBe('warn');
    expect(report.checks.quick?.evidence).toEqual({ quick: true });
    expect(report.checks.hang?.error).toMatch(/within 150 ms/);
  });

  it('a check run alone (runCheck) gets a signal and a deadline of its own', async () => {
    let seen: AbortSignal | undefined;
    const result = await runCheck(
      check('alone', {
        collect: (_t, ctx) => {
          seen = ctx.signal;
          return new Promise(() => {});
        },
      }),
      target,
      { probe, checks: [], deadlineMs: 100 },
    );
    expect(result.status).toBe('unknown');
    expect(result.error).toMatch(/within 100 ms/);
    expect(seen?.aborted).toBe(true);
  });

  it('skips ip-only checks when no IP is given', async () => {
    const report = await runAudit(target, { probe, checks: [check('iponly', { appliesTo: ['ip'] })] });
    expect(report.checks.iponly?.status).toBe('skipped');
    expect(report.status).toBe('pass');
  });

  it('rejects a finding key the check did not declare (a bug, reported as unknown)', async () => {
    const report = await runAudit(target, {
      probe,
      checks: [check('undeclared', { judge: () => [{ key: 'nope', evidence: {} }] })],
    });
    expect(report.checks.undeclared?.status).toBe('unknown');
    expect(report.checks.undeclared?.error).toContain('undeclared finding "nope"');
  });

  it('drops bulk-only replies for the transactional profile', async () => {
    const spec = check('b', {
      findings: {
        nope: { severity: 'error', title: 't', message: 'm', fix: 'f', conditions: ['spf-cannot-pass'] },
      },
      judge: () => [{ key: 'nope', evidence: {} }],
    });
    const bulk = await runAudit(target, { probe, checks: [spec] });
    const tx = await runAudit({ ...target, profile: 'transactional' }, { probe, checks: [spec] });
    expect(bulk.checks.b?.findings[0]?.predictedReplies.some((r) => r.enhanced === '4.7.27')).toBe(true);
    expect(tx.checks.b?.findings[0]?.predictedReplies.some((r) => r.bulkOnly)).toBe(false);
  });
});
