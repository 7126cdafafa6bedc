/**
 * The MTA-STS fix: the policy file's text (mode: testing first, the MX hosts the audit saw,
 * max_age one week) and the TXT record that announces it (RFC 8461 3.1, 3.2). The TXT record
 * works only once the policy is served over HTTPS at mta-sts.DOMAIN: when the audit did not
 * fetch a policy, the record is written commented out (inactive) and the finding remains.
 */
import type { MtaStsEvidence } from '../../checks/mta-sts/index.js';
import { isStsRecord, looksLikeStsRecord } from '../../checks/mta-sts/policy.js';
import type { Finding } from '../report.js';
import { FIX_TTL, type Fix, type Remaining } from './types.js';

/** max_age of a first, testing policy: one week (RFC 8461 3.2 allows up to a year). */
export const STS_FIX_MAX_AGE = 604_800;

/** Fixed by the TXT record alone, when a policy is served already. */
const RECORD_FINDINGS = new Set([
  'policy-without-record',
  'multiple-records',
  'invalid-record',
  'record-syntax-warning',
]);
/** Fixed by serving the policy and then publishing the record. */
const ADOPTION_FINDINGS = new Set(['no-record', 'tls-rpt-without-mta-sts']);

/** An id that changes with every proposal (RFC 8461 3.1: 1 to 32 letters and digits). */
export function stsId(now: Date): string {
  return now
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14);
}

export function policyText(hosts: readonly string[]): string {
  return [
    'version: STSv1',
    'mode: testing',
    ...hosts.map((h) => `mx: ${h}`),
    `max_age: ${STS_FIX_MAX_AGE}`,
    '',
  ].join('\n');
}

export function planMtaStsFix(
  ev: MtaStsEvidence,
  findings: readonly Finding[],
  now: Date,
): { fix?: Fix; remaining: Remaining[] } {
  const remaining: Remaining[] = [];
  const claimed: string[] = [];
  const served = ev.policy.fetched && ev.policy.result.ok;
  const policyFile = `https://mta-sts.${ev.domain}/.well-known/mta-sts.txt`;
  let wanted = false;
  for (const f of findings) {
    const key = f.id.slice('mta-sts/'.length);
    if (RECORD_FINDINGS.has(key) && served) claimed.push(f.id);
    else if (RECORD_FINDINGS.has(key) || ADOPTION_FINDINGS.has(key)) {
      wanted = true;
      remaining.push({
        id: f.id,
        reason: `serve the policy (the .mta-sts.txt file) at ${policyFile}, then publish the commented TXT record`,
      });
    } else {
      remaining.push({
        id: f.id,
        reason: 'the policy file and the MX servers are served over HTTPS and SMTP: no DNS fix',
      });
    }
  }
  if (claimed.length === 0 && !wanted) return { remaining };
  if (ev.txt.kind === 'error' || ev.mx.nullMx || ev.mx.hosts.length === 0) return { remaining };
  const name = ev.txt.name;
  const others = ev.txt.records.filter((t) => !isStsRecord(t) && !looksLikeStsRecord(t));
  return {
    fix: {
      kind: 'mta-sts',
      findings: claimed,
      records: [
        {
          name,
          type: 'TXT',
          ttl: FIX_TTL,
          values: [`v=STSv1; id=${stsId(now)}`, ...others],
          comments: served
            ? ['change the id whenever the policy changes']
            : [`publish only once ${policyFile} serves the policy`],
          ...(served ? {} : { inactive: true }),
        },
      ],
      warnings: [],
      notes: ['mode: testing first; move to enforce once the TLS reports are clean'],
      policyText: policyText(ev.mx.hosts),
    },
    remaining,
  };
}
