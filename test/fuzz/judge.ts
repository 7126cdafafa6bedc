/**
 * "The judged findings are a function of the evidence" (issue 14 part 4): judging the same
 * evidence twice, and judging a JSON round trip of it (what a replayed run sees), gives the same
 * findings; and judge() leaves the evidence as it found it.
 */
import { expect } from 'vitest';
import type { Check, FindingResult } from '../../src/check.js';
import type { Target } from '../../src/report.js';
import { bounded, jsonRoundTrip } from './runs.js';

export function judgeIsAFunctionOfEvidence<E, K extends string>(
  check: Pick<Check<E, K>, 'judge'>,
  evidence: E,
  target: Target,
): FindingResult<K>[] {
  const before = JSON.stringify(evidence);
  const first = bounded(() => check.judge(evidence, target));
  expect(JSON.stringify(evidence)).toBe(before);
  const again = check.judge(evidence, target);
  const replayed = check.judge(jsonRoundTrip(evidence), target);
  expect(jsonRoundTrip(again)).toEqual(jsonRoundTrip(first));
  expect(jsonRoundTrip(replayed)).toEqual(jsonRoundTrip(first));
  return first;
}
