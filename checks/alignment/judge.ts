/**
 * The alignment check's pure judgement: can SPF pass for the sending IPs and the MAIL FROM
 * domain, can DKIM pass for the d= domain, and does either align with the From domain under
 * the DMARC record's aspf/adkim (RFC 7489 3.1). Read from the spf, dkim and dmarc checks'
 * evidence through their typed accessors; an input that could not be measured makes the
 * answer unknown, never a failure.
 */
import type { FindingResult } from '../../src/check.js';
import { isAligned, organisationalDomainPsl } from '../../src/orgdomain.js';
import type { CheckResult, Target } from '../../src/report.js';
import { dkimEvidenceOf, dkimOutcome } from '../dkim/index.js';
import { type DkimSignatureEvidence, dkimSignatureEvidenceOf } from '../dkim-signature/index.js';
import { dmarcEvidenceOf, effectiveDmarc } from '../dmarc/index.js';
import { type SpfEvidence, type SpfFindingKey, spfEvidenceOf } from '../spf/index.js';
import type { AlignmentFindingKey } from './findings.js';

export type Tristate = boolean | 'unknown';

export interface AuthenticationEvidence {
  fromDomain: string;
  mailFromDomain: string;
  dkimDomain: string;
  dmarc: {
    /** A DMARC policy applies to the From domain; 'unknown' when its lookup failed. */
    found: Tristate;
    policyDomain: string | null;
    p: string | null;
    adkim: 'r' | 's';
    aspf: 'r' | 's';
  };
  spf: {
    /** SPF passes for every sending IP given; without IPs, whether the policy can pass at all. */
    canPass: Tristate;
    aligned: boolean;
    mode: 'r' | 's';
    perIp: { ip: string; result: string }[];
    reason: string;
  };
  dkim: {
    canPass: Tristate;
    aligned: boolean;
    mode: 'r' | 's';
    validSelectors: string[];
    reason: string;
  };
  /** DMARC would pass: SPF or DKIM passes and aligns. */
  dmarcPass: Tristate;
  reasoning: string[];
}

/** SPF findings that make the policy fail for every sender (permerror, or no record at all). */
const SPF_POLICY_CANNOT_PASS: readonly SpfFindingKey[] = [
  'missing',
  'multiple-records',
  'syntax-error',
  'too-many-lookups',
  'include-not-found',
  'include-loop',
  'too-many-void-lookups',
  'too-many-mx-names',
];

/** A published SPF finding id, from a key the SPF check declares (a renamed key fails to build). */
const spfFindingId = (key: SpfFindingKey): string => `spf/${key}`;

function spfOutcome(
  target: Target,
  mailFrom: string,
  ev: SpfEvidence | undefined,
  spfCheck: CheckResult | undefined,
): { canPass: Tristate; perIp: { ip: string; result: string }[]; reason: string } {
  if (!ev) return { canPass: 'unknown', perIp: [], reason: 'the SPF check did not run or failed' };
  const perIp = (ev.ipResults ?? []).map((r) => ({ ip: r.ip, result: r.result }));
  if (perIp.length > 0) {
    if (perIp.every((r) => r.result === 'pass')) {
      return { canPass: true, perIp, reason: `SPF passes for ${perIp.map((r) => r.ip).join(', ')}` };
    }
    if (perIp.some((r) => r.result === 'temperror')) {
      return { canPass: 'unknown', perIp, reason: 'SPF evaluation hit a temporary DNS error' };
    }
    const bad = perIp.filter((r) => r.result !== 'pass');
    return {
      canPass: false,
      perIp,
      reason: `SPF does not pass for ${bad.map((r) => `${r.ip} (${r.result})`).join(', ')}`,
    };
  }
  // No IPs: judge the policy alone, and only when it is the one SPF checks (the MAIL FROM domain).
  if (mailFrom !== target.domain) {
    return {
      canPass: 'unknown',
      perIp,
      reason: `no sending IP given, and the SPF audited is ${target.domain}'s, not ${mailFrom}'s`,
    };
  }
  const ids = new Set((spfCheck?.findings ?? []).map((f) => f.id));
  if (ids.has(spfFindingId('dns-error')))
    return { canPass: 'unknown', perIp, reason: 'the SPF record could not be read' };
  const fatal = SPF_POLICY_CANNOT_PASS.map(spfFindingId).filter((id) => ids.has(id));
  if (fatal.length > 0)
    return { canPass: false, perIp, reason: `the SPF policy cannot pass (${fatal.join(', ')})` };
  return { canPass: true, perIp, reason: 'an SPF policy is published (no sending IP given to test it)' };
}

function and3(a: Tristate, b: boolean): Tristate {
  if (!b) return false;
  return a;
}

function or3(a: Tristate, b: Tristate): Tristate {
  if (a === true || b === true) return true;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return false;
}

export function judgeAuthentication(
  target: Target,
  results: Readonly<Record<string, CheckResult>>,
): { evidence: AuthenticationEvidence; findings: FindingResult<AlignmentFindingKey>[] } {
  const fromDomain = target.domain;
  const mailFrom = target.mailFrom ?? fromDomain;
  const dkimDomain = target.dkimDomain ?? fromDomain;
  const reported = { checks: results };
  const dmarcEv = dmarcEvidenceOf(reported);
  const dmarc = dmarcEv ? effectiveDmarc(dmarcEv) : undefined;
  const aspf = dmarc?.aspf ?? 'r';
  const adkim = dmarc?.adkim ?? 'r';
  const spf = spfOutcome(target, mailFrom, spfEvidenceOf(reported), results['spf']);
  const signed = dkimSignatureEvidenceOf(reported);
  const dkimEv = dkimEvidenceOf(reported);
  // A message audit judges the signatures the message carries; a domain audit, the keys in DNS.
  const fromSignatures = signed ? signatureOutcome(signed, fromDomain, adkim) : undefined;
  const dkim = fromSignatures
    ? fromSignatures
    : dkimEv
      ? dkimOutcome(dkimEv)
      : { canPass: 'unknown' as const, validSelectors: [], domain: dkimDomain };
  const dkimReason = fromSignatures
    ? fromSignatures.reason
    : dkim.canPass === true
      ? `DKIM can pass (valid key at ${dkim.validSelectors.join(', ')})`
      : dkim.canPass === false
        ? 'DKIM cannot pass (no valid key at the selectors given)'
        : dkimEv
          ? 'no valid DKIM key found at the selectors tried (give --dkim-selector)'
          : 'the DKIM check did not run or failed';
  const signingDomain = fromSignatures?.domain ?? dkimDomain;
  const spfAligned = isAligned(mailFrom, fromDomain, aspf);
  const dkimAligned = isAligned(signingDomain, fromDomain, adkim);
  const dmarcPass = or3(and3(spf.canPass, spfAligned), and3(dkim.canPass, dkimAligned));
  const reasoning = [
    `From domain ${fromDomain} (organisational domain ${organisationalDomainPsl(fromDomain) ?? fromDomain})`,
    dmarc?.found
      ? `DMARC policy p=${dmarc.p} from ${dmarc.policyDomain} (aspf=${aspf}, adkim=${adkim})`
      : dmarc?.unknown || !dmarcEv
        ? 'DMARC policy could not be read; relaxed alignment assumed'
        : 'no DMARC policy; relaxed alignment assumed',
    `SPF for MAIL FROM ${mailFrom}: ${spf.reason}; ${spfAligned ? 'aligned' : 'not aligned'} with ${fromDomain}`,
    `DKIM for d=${signingDomain}: ${dkimReason}; ${dkimAligned ? 'aligned' : 'not aligned'} with ${fromDomain}`,
    dmarcPass === true
      ? 'DMARC would pass'
      : dmarcPass === false
        ? 'DMARC would fail: no aligned pass'
        : 'DMARC outcome undetermined',
  ];
  const data = {
    domain: fromDomain,
    mailFrom,
    dkimDomain: signingDomain,
    aspf,
    adkim,
    spfAligned: spfAligned ? 'aligned' : 'not aligned',
    dkimAligned: dkimAligned ? 'aligned' : 'not aligned',
    spfReason: spf.reason,
    dkimReason,
  };
  const evidence: AuthenticationEvidence = {
    fromDomain,
    mailFromDomain: mailFrom,
    dkimDomain: signingDomain,
    dmarc: {
      found: dmarc ? (dmarc.unknown ? 'unknown' : dmarc.found) : 'unknown',
      policyDomain: dmarc?.policyDomain ?? null,
      p: dmarc?.p ?? null,
      adkim,
      aspf,
    },
    spf: { canPass: spf.canPass, aligned: spfAligned, mode: aspf, perIp: spf.perIp, reason: spf.reason },
    dkim: {
      canPass: dkim.canPass,
      aligned: dkimAligned,
      mode: adkim,
      validSelectors: dkim.validSelectors,
      reason: dkimReason,
    },
    dmarcPass,
    reasoning,
  };
  const brief = { reasoning };
  const findings: FindingResult<AlignmentFindingKey>[] = [];
  if (spf.canPass === false && dkim.canPass === false) {
    findings.push({ key: 'unauthenticated', data, evidence: brief });
  } else if (dmarcPass === false && (spf.canPass === true || dkim.canPass === true)) {
    findings.push({ key: 'not-aligned', data, evidence: brief });
  } else if (dmarcPass === 'unknown') {
    // No aligned pass can be shown, and a part could not be measured: neither pass nor fail.
    findings.push({
      key: 'undetermined',
      data: { ...data, reason: `${spf.reason}; ${dkimReason}` },
      evidence: brief,
    });
  }
  if (spf.canPass === true && !spfAligned) findings.push({ key: 'spf-not-aligned', data, evidence: brief });
  if (dkim.canPass === true && !dkimAligned)
    findings.push({ key: 'dkim-not-aligned', data, evidence: brief });
  return { evidence, findings };
}

/**
 * DKIM as the message's own signatures decide it (RFC 6376 verification, dkim-signature check):
 * passes when one verifies, preferring one whose d= aligns with From under adkim; unknown when
 * none verifies and a key could not be looked up; else cannot pass.
 */
function signatureOutcome(
  ev: DkimSignatureEvidence,
  fromDomain: string,
  adkim: 'r' | 's',
): { canPass: Tristate; validSelectors: string[]; domain: string; reason: string } {
  const passing = ev.signatures.filter((s) => s.verdict?.status === 'pass' && s.domain !== undefined);
  const best = passing.find((s) => isAligned(s.domain as string, fromDomain, adkim)) ?? passing[0];
  if (best?.domain !== undefined)
    return {
      canPass: true,
      validSelectors: passing.map((s) => s.selector ?? ''),
      domain: best.domain,
      reason: `the message's DKIM signature by d=${best.domain} (s=${best.selector ?? '?'}) verifies`,
    };
  const unknown = ev.signatures.some((s) => s.problem === undefined && s.verdict === undefined);
  const first = ev.signatures.find((s) => s.domain !== undefined);
  return {
    canPass: unknown ? 'unknown' : false,
    validSelectors: [],
    domain: first?.domain ?? fromDomain,
    reason:
      ev.signatures.length === 0
        ? 'the message carries no DKIM signature'
        : unknown
          ? "a DKIM key of the message's signatures could not be looked up"
          : "none of the message's DKIM signatures verifies",
  };
}
