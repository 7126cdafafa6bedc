/**
 * Judges the canaries: a resolver that answers NXDOMAIN, or NOERROR without the SOA, for a
 * top-level domain that exists is lying, and the run's answers of absence are not believed
 * (the probe made them `unreliable` errors). A canary that timed out or failed proves nothing.
 */
import type { FindingResult } from '../../src/check.js';
import { canaryLieOf } from '../../src/probe/canary.js';
import type { DnsEvidence } from './collect.js';
import type { DnsFindingKey } from './findings.js';

export function judgeDns(ev: DnsEvidence): FindingResult<DnsFindingKey>[] {
  const lies = ev.canaries.flatMap((c) => {
    const answer = canaryLieOf(c.soa.kind);
    return answer === undefined ? [] : [{ ...c, answer }];
  });
  const first = lies[0];
  if (first === undefined) return [];
  // One finding for the run's resolver, however many TLDs it denies.
  return [
    {
      key: 'resolver-unreliable',
      data: { zone: first.zone, answer: first.answer },
      evidence: { canaries: lies.map((l) => ({ zone: l.zone, names: l.names, soa: l.soa })) },
    },
  ];
}
