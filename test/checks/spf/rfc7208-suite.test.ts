/**
 * RFC 7208 conformance: every case of the OpenSPF suite (release 2014.04) through
 * evaluateSender, first with the in-memory resolver, then (when the lab and probe exist)
 * through the loopback DNS lab and the real stub resolver.
 */

import { describe, expect, it } from 'vitest';
import { evaluateSender, type SpfEvaluation } from '../../../checks/spf/evaluate.js';
import type { Resolver } from '../../../src/probe/types.js';
import { MemoryResolver } from './memory-resolver.js';
import { loadSuite, type SuiteCase } from './rfc7208-suite.js';

/** The suite's size: a change in the file (or in the loader) must be noticed. */
const SUITE_CASES = 203;

/**
 * Cases whose expected explanation differs from ours only in letter case: RFC 7208 7.4 shows
 * %{i} of IPv6 as lower-case nibbles, the suite (pyspf) expects upper-case ones. DNS names are
 * case-insensitive; everything else is compared exactly.
 */
const EXPLANATION_CASE_INSENSITIVE = new Set(['v-macro-ip6']);

const scenarios = loadSuite();

function checkCase(c: SuiteCase, r: SpfEvaluation): void {
  const detail = `${c.name}: got ${r.result} (${r.problem ?? r.mechanism ?? ''})`;
  expect(c.results, detail).toContain(r.result);
  if (c.explanation === undefined) return;
  if (c.explanation === 'DEFAULT') {
    // The suite's driver sets the default explanation to "DEFAULT": no exp= text applies.
    expect(r.explanation, c.name).toBeUndefined();
  } else if (EXPLANATION_CASE_INSENSITIVE.has(c.name)) {
    expect(r.explanation?.toLowerCase(), c.name).toBe(c.explanation.toLowerCase());
  } else {
    expect(r.explanation, c.name).toBe(c.explanation);
  }
}

async function runCase(c: SuiteCase, resolver: Resolver): Promise<SpfEvaluation> {
  return evaluateSender({ ip: c.host, sender: c.mailfrom, helo: c.helo }, resolver, {
    timestamp: 1_400_000_000,
  });
}

describe('RFC 7208 suite (in-memory resolver)', () => {
  it(`has ${SUITE_CASES} cases`, () => {
    expect(scenarios.reduce((n, s) => n + s.cases.length, 0)).toBe(SUITE_CASES);
  });
  for (const s of scenarios) {
    describe(s.description, () => {
      for (const c of s.cases) {
        it(`${c.name} -> ${c.results.join('|')}`, async () => {
          const r = await runCase(c, new MemoryResolver(s.zone));
          checkCase(c, r);
        });
      }
    });
  }
});
