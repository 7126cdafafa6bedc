/**
 * The authentication outcome: can SPF pass for the sending IPs and the MAIL FROM domain, can
 * DKIM pass for the d= domain, and does either align with the From domain under the DMARC
 * record's aspf/adkim (RFC 7489 3.1). Judged from the evidence the spf, dkim and dmarc checks
 * collected: no I/O here, and an input that could not be measured makes the answer unknown.
 */
import { type DkimEvidence, dkimOutcome } from '../checks/dkim/index.js';
import { type DmarcEvidence, effectiveDmarc } from '../checks/dmarc/index.js';
import type { SpfEvidence } from '../checks/spf/index.js';
import type { DerivedCheck, FindingResult, FindingSpec } from './check.js';
import { isAligned, organisationalDomainPsl } from './orgdomain.js';
import type { CheckResult, Target } from './report.js';

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

const FINDINGS = {
  unauthenticated: {
    severity: 'error',
    title: 'Neither SPF nor DKIM can pass',
    message: 'Mail from {domain} would be unauthenticated: {spfReason}; {dkimReason}.',
    fix:
      'Authorise the sending IPs in the SPF record of {mailFrom} and sign with DKIM as d={dkimDomain} ' +
      '(publish the public key at <selector>._domainkey.{dkimDomain}).',
    conditions: ['unauthenticated'],
  },
  'not-aligned': {
    severity: 'error',
    title: 'The From domain aligns with neither SPF nor DKIM',
    message:
      'DMARC needs SPF or DKIM to pass for a domain aligned with From {domain}: SPF is for {mailFrom} ' +
      '(aspf={aspf}, {spfAligned}), DKIM is for {dkimDomain} (adkim={adkim}, {dkimAligned}).',
    fix:
      'Sign with d={domain} (or a domain of the same organisation under relaxed alignment), or use a ' +
      'MAIL FROM (Return-Path) domain under {domain} whose SPF authorises the sending IPs.',
    conditions: ['from-not-aligned'],
  },
  'spf-not-aligned': {
    severity: 'info',
    title: 'SPF passes for a domain that does not align with From',
    message:
      'SPF is checked for {mailFrom}, which does not align with {domain} under aspf={aspf}; DMARC rests on DKIM alone.',
    fix: 'Use a MAIL FROM (Return-Path) domain under {domain} (a custom bounce domain at your ESP), so SPF aligns too.',
  },
  'dkim-not-aligned': {
    severity: 'warning',
    title: 'DKIM signs with a domain that does not align with From',
    message:
      'DKIM d={dkimDomain} does not align with {domain} under adkim={adkim}; DMARC rests on SPF alone, which breaks on forwarding.',
    fix: 'Sign with d={domain} (a custom DKIM domain at your ESP).',
  },
  undetermined: {
    severity: 'unknown',
    title: 'Whether mail would authenticate could not be decided',
    message: 'Could not decide whether SPF or DKIM passes and aligns for {domain}: {reason}.',
    fix: 'Give the DKIM selector you sign with (--dkim-selector) and the sending IPs (--ip), and rerun when DNS answers.',
  },
} satisfies Record<string, FindingSpec>;

function evidenceOf<E>(results: Readonly<Record<string, CheckResult>>, id: string): E | undefined {
  const r = results[id];
  if (!r || r.status === 'skipped' || r.error !== undefined) return undefined;
  return r.evidence as E | undefined;
}

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
  if (ids.has('spf/dns-error'))
    return { canPass: 'unknown', perIp, reason: 'the SPF record could not be read' };
  const fatal = [
    'spf/missing',
    'spf/multiple-records',
    'spf/syntax-error',
    'spf/too-many-lookups',
    'spf/include-not-found',
    'spf/include-loop',
    'spf/too-many-void-lookups',
    'spf/too-many-mx-names',
  ].filter((id) => ids.has(id));
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
): { evidence: AuthenticationEvidence; findings: FindingResult[] } {
  const fromDomain = target.domain;
  const mailFrom = target.mailFrom ?? fromDomain;
  const dkimDomain = target.dkimDomain ?? fromDomain;
  const dmarcEv = evidenceOf<DmarcEvidence>(results, 'dmarc');
  const dmarc = dmarcEv ? effectiveDmarc(dmarcEv) : undefined;
  const aspf = dmarc?.aspf ?? 'r';
  const adkim = dmarc?.adkim ?? 'r';
  const spf = spfOutcome(target, mailFrom, evidenceOf<SpfEvidence>(results, 'spf'), results.spf);
  const dkimEv = evidenceOf<DkimEvidence>(results, 'dkim');
  const dkim = dkimEv
    ? dkimOutcome(dkimEv)
    : { canPass: 'unknown' as const, validSelectors: [], domain: dkimDomain };
  const dkimReason =
    dkim.canPass === true
      ? `DKIM can pass (valid key at ${dkim.validSelectors.join(', ')})`
      : dkim.canPass === false
        ? 'DKIM cannot pass (no valid key at the selectors given)'
        : dkimEv
          ? 'no valid DKIM key found at the selectors tried (give --dkim-selector)'
          : 'the DKIM check did not run or failed';
  const spfAligned = isAligned(mailFrom, fromDomain, aspf);
  const dkimAligned = isAligned(dkimDomain, fromDomain, adkim);
  const dmarcPass = or3(and3(spf.canPass, spfAligned), and3(dkim.canPass, dkimAligned));
  const reasoning = [
    `From domain ${fromDomain} (organisational domain ${organisationalDomainPsl(fromDomain) ?? fromDomain})`,
    dmarc?.found
      ? `DMARC policy p=${dmarc.p} from ${dmarc.policyDomain} (aspf=${aspf}, adkim=${adkim})`
      : dmarc?.unknown || !dmarcEv
        ? 'DMARC policy could not be read; relaxed alignment assumed'
        : 'no DMARC policy; relaxed alignment assumed',
    `SPF for MAIL FROM ${mailFrom}: ${spf.reason}; ${spfAligned ? 'aligned' : 'not aligned'} with ${fromDomain}`,
    `DKIM for d=${dkimDomain}: ${dkimReason}; ${dkimAligned ? 'aligned' : 'not aligned'} with ${fromDomain}`,
    dmarcPass === true
      ? 'DMARC would pass'
      : dmarcPass === false
        ? 'DMARC would fail: no aligned pass'
        : 'DMARC outcome undetermined',
  ];
  const data = {
    domain: fromDomain,
    mailFrom,
    dkimDomain,
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
    dkimDomain,
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
  const findings: FindingResult[] = [];
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

export const alignmentCheck: DerivedCheck<AuthenticationEvidence> = {
  id: 'alignment',
  title: 'Authentication outcome and DMARC alignment',
  findings: FINDINGS,
  reportSection: 'authentication',
  derive: judgeAuthentication,
};
