/**
 * The DKIM check's pure judgement: every selector's analysis, then what they say together
 * (no key anywhere, only Ed25519, lookups that failed). Also the DKIM outcome the alignment
 * check reads. No I/O here.
 */
import type { Condition, FindingResult } from '../../src/check.js';
import { analyzeSelector } from './analyze.js';
import type { DkimEvidence } from './collect.js';
import type { DkimFindingKey } from './findings.js';
import { delegationProvider } from './selectors.js';

/** Findings that make a user-given selector's mail fail DKIM: they raise the condition. */
const BLOCKING: ReadonlySet<DkimFindingKey> = new Set<DkimFindingKey>([
  'multiple-records',
  'invalid-record',
  'unknown-key-type',
  'invalid-key',
  'key-too-short',
  'service-type-excludes-email',
  'testing-mode',
]);

export function judgeDkim(e: DkimEvidence): FindingResult<DkimFindingKey>[] {
  const out: FindingResult<DkimFindingKey>[] = [];
  const analyses = e.lookups.map(analyzeSelector);
  const cannotPass: Condition[] = ['dkim-cannot-pass'];

  for (const s of e.invalidSelectors) {
    out.push({ key: 'invalid-selector', data: { selector: s }, evidence: { selector: s, domain: e.domain } });
  }
  for (const a of analyses) {
    for (const f of a.findings) {
      out.push(a.lookup.userGiven && BLOCKING.has(f.key) ? { ...f, conditions: cannotPass } : f);
    }
    if (a.status === 'no-key' && a.lookup.userGiven) {
      const chain = a.lookup.cnameChain;
      const target = chain[chain.length - 1];
      const provider = delegationProvider(chain);
      const delegation =
        target === undefined
          ? ''
          : `; it is delegated by CNAME to ${target}${provider ? ` (${provider})` : ''}, which has no key`;
      out.push({
        key: 'selector-not-found',
        data: { selector: a.lookup.selector, name: a.lookup.name, outcome: a.lookup.outcome, delegation },
        evidence: {
          selector: a.lookup.selector,
          name: a.lookup.name,
          outcome: a.lookup.outcome,
          cnameChain: chain,
          ...(provider ? { delegatedTo: provider } : {}),
        },
      });
    }
  }

  const failed = analyses.filter((a) => a.status === 'dns-error');
  if (failed.length > 0) {
    const kinds = [...new Set(failed.map((a) => a.lookup.error ?? 'error'))].join(', ');
    out.push({
      key: 'dns-error',
      data: {
        count: failed.length,
        total: analyses.length,
        selectors: failed.map((a) => a.lookup.selector).join(', '),
        errors: kinds,
        domain: e.domain,
      },
      evidence: {
        domain: e.domain,
        failed: failed.map((a) => ({
          selector: a.lookup.selector,
          name: a.lookup.name,
          userGiven: a.lookup.userGiven,
          error: a.lookup.error,
          detail: a.lookup.detail,
        })),
      },
    });
  }

  const answered = analyses.filter((a) => a.status !== 'dns-error');
  const found = answered.filter((a) => a.status !== 'no-key');
  // A selector the user named that could not be read may hold the key: then nothing is "not found".
  const userFailed = failed.some((a) => a.lookup.userGiven);
  if (answered.length > 0 && found.length === 0 && !userFailed) {
    const userAnswered = answered.filter((a) => a.lookup.userGiven);
    const userAll = e.userSelectors.length > 0 && userAnswered.length === e.userSelectors.length;
    out.push({
      key: 'no-key-found',
      data: {
        domain: e.domain,
        count: answered.length,
        selectors: answered.map((a) => a.lookup.selector).join(', '),
        userNote: userAll
          ? ', but none of the selectors you gave has a key, so mail signed with them cannot pass DKIM'
          : '',
      },
      evidence: {
        domain: e.domain,
        userSelectors: e.userSelectors,
        discoverySelectors: e.discoverySelectors,
        answered: answered.map((a) => ({ selector: a.lookup.selector, outcome: a.lookup.outcome })),
        failed: failed.map((a) => a.lookup.selector),
      },
      ...(userAll ? { conditions: cannotPass } : {}),
    });
  }

  const valid = analyses.filter((a) => a.status === 'valid');
  if (valid.length > 0 && valid.every((a) => a.key?.ok && a.key.keyType === 'ed25519')) {
    out.push({
      key: 'ed25519-only',
      data: { selectors: valid.map((a) => a.lookup.selector).join(', ') },
      evidence: { selectors: valid.map((a) => ({ selector: a.lookup.selector, name: a.lookup.name })) },
    });
  }
  return out;
}

export interface DkimOutcome {
  /**
   * Whether DKIM can pass for this d=: true when a valid key is published at a selector that
   * counts (a user-given one when the user gave any, else any discovered one); false only
   * when measured (the user's selectors answered and none has a valid key); otherwise
   * 'unknown' (lookups failed, or discovery found nothing usable: the signing selector may
   * simply be one we did not guess).
   */
  canPass: boolean | 'unknown';
  /** Selectors with a valid key: parseable, not revoked, RSA >= 1024 bits or Ed25519, not t=y, for email. */
  validSelectors: string[];
  /** The signing domain (d=). */
  domain: string;
}

/** DKIM outcome for the alignment code, from the same analysis judge() uses. */
export function dkimOutcome(e: DkimEvidence): DkimOutcome {
  const analyses = e.lookups.map(analyzeSelector);
  const validSelectors = analyses.filter((a) => a.status === 'valid').map((a) => a.lookup.selector);
  const userClaimed = e.userSelectors.length > 0 || e.invalidSelectors.length > 0;
  let canPass: boolean | 'unknown';
  if (userClaimed) {
    const user = analyses.filter((a) => a.lookup.userGiven);
    if (user.some((a) => a.status === 'valid')) canPass = true;
    else if (user.some((a) => a.status === 'dns-error')) canPass = 'unknown';
    else canPass = false;
  } else {
    canPass = validSelectors.length > 0 ? true : 'unknown';
  }
  return { canPass, validSelectors, domain: e.domain };
}
