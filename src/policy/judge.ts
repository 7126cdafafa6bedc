/**
 * The policy's expectations judged from an audit's evidence, read through the checks' typed
 * evidence accessors. Pure: the audit did the I/O. One finding per expected item (each selector,
 * host, include), so a waiver or an annotation can name exactly one.
 *
 * An expectation the evidence cannot decide (a DNS error, a check that did not run, an SPF tree
 * whose walk stopped early) is `unknown`, never unmet: "could not measure" is not "missing".
 */
import { analyzeSelector, dkimEvidenceOf } from '../../checks/dkim/index.js';
import { dmarcEvidenceOf, effectiveDmarc } from '../../checks/dmarc/index.js';
import { mxEvidenceOf } from '../../checks/mx/index.js';
import { hostName } from '../../checks/shared/dns.js';
import { spfEvidenceOf } from '../../checks/spf/index.js';
import type { Finding, Report, Severity } from '../report.js';
import { DMARC_STRENGTH, type DmarcStrength, type ExpectationBlock, type ExpectationKey } from './types.js';

/** The findings of the policy check, by key (ids are `policy/<key>`; never reworded once published). */
export const POLICY_FINDING_TITLES = {
  'dmarc-policy': 'DMARC policy at least as strict as the organisation requires',
  'dkim-selector': 'DKIM selector the organisation signs with publishes a usable key',
  'mx-host': 'MX hosts include the one the organisation requires',
  'spf-include': 'SPF authorises the provider the organisation requires',
  'spf-lookups': 'SPF stays within the organisation’s DNS lookup budget',
  'waiver-expired': 'A waiver in the policy file has expired',
} as const;
export type PolicyFindingKey = keyof typeof POLICY_FINDING_TITLES;

/** The three outcomes of one expected item. */
type Outcome =
  | { met: true; message: string }
  | { met: false; message: string; fix: string }
  | { unknown: string };

/** A domain pattern of the policy file: `example.com` is that name, `*.example.com` any name below it. */
export function matchesDomain(pattern: string, domain: string): boolean {
  const name = hostName(domain);
  return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern;
}

/** Whether a block (or waiver) with these domain patterns applies to `domain` (none: every domain). */
export function inScope(patterns: readonly string[], domain: string): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesDomain(p, domain));
}

/** The policy's findings for one report: every expectation of every block in scope. */
export function judgeExpectations(
  report: Report,
  blocks: readonly ExpectationBlock[],
  file: string,
): Finding[] {
  const out: Finding[] = [];
  for (const block of blocks) {
    if (!inScope(block.domains, report.target.domain)) continue;
    const finding = (key: PolicyFindingKey, expectation: ExpectationKey, expected: string, o: Outcome) =>
      out.push(
        findingOf(key, o, block.severity, { file, line: block.lines[expectation] ?? block.line, expected }),
      );
    if (block.dmarc !== undefined)
      finding('dmarc-policy', 'dmarc', block.dmarc, judgeDmarc(report, block.dmarc));
    for (const selector of block.dkimSelectors)
      finding('dkim-selector', 'dkimSelectors', selector, judgeDkimSelector(report, selector));
    for (const host of block.mxHosts) finding('mx-host', 'mxHosts', host, judgeMxHost(report, host));
    for (const include of block.spfIncludes)
      finding('spf-include', 'spfIncludes', include, judgeSpfInclude(report, include));
    if (block.spfMaxLookups !== undefined)
      finding(
        'spf-lookups',
        'spfMaxLookups',
        String(block.spfMaxLookups),
        judgeSpfLookups(report, block.spfMaxLookups),
      );
  }
  return out;
}

function findingOf(
  key: PolicyFindingKey,
  o: Outcome,
  severity: 'error' | 'warning',
  evidence: { file: string; line: number; expected: string },
): Finding {
  const common = { id: `policy/${key}`, title: POLICY_FINDING_TITLES[key], predictedReplies: [] };
  if ('unknown' in o)
    return {
      ...common,
      severity: 'unknown',
      message: `Could not judge the policy's expectation (${evidence.expected}): ${o.unknown}.`,
      evidence: { ...evidence, outcome: 'unknown' },
      remediation:
        'Run the audit again where DNS answers; the expectation is judged from the audit’s evidence.',
    };
  const s: Severity = o.met ? 'info' : severity;
  return {
    ...common,
    severity: s,
    message: o.message,
    evidence: { ...evidence, outcome: o.met ? 'met' : 'unmet' },
    remediation: o.met ? 'Nothing to do.' : o.fix,
  };
}

function judgeDmarc(report: Report, least: DmarcStrength): Outcome {
  const ev = dmarcEvidenceOf(report);
  if (!ev) return { unknown: 'the dmarc check did not run' };
  const eff = effectiveDmarc(ev);
  if (eff.unknown) return { unknown: 'the DMARC record could not be looked up' };
  const fix = `Publish a DMARC record with p=${least === 'none' ? 'none' : least} or stricter at _dmarc.${report.target.domain}.`;
  if (!eff.found || eff.p === null)
    return {
      met: false,
      message: `No DMARC policy applies; the organisation requires at least p=${least}.`,
      fix,
    };
  const rank = (p: string) => DMARC_STRENGTH.indexOf(p as DmarcStrength);
  return rank(eff.p) >= rank(least)
    ? { met: true, message: `DMARC p=${eff.p} meets the required p=${least} or stricter.` }
    : { met: false, message: `DMARC p=${eff.p} is weaker than the required p=${least}.`, fix };
}

function judgeDkimSelector(report: Report, selector: string): Outcome {
  const ev = dkimEvidenceOf(report);
  if (!ev) return { unknown: 'the dkim check did not run' };
  const lookup = ev.lookups.find((l) => l.selector === selector);
  if (!lookup) return { unknown: `selector ${selector} was not looked up` };
  const status = analyzeSelector(lookup).status;
  const where = `${selector}._domainkey.${ev.domain}`;
  const fix = `Publish the DKIM public key of selector ${selector} at ${where} (TXT "v=DKIM1; k=rsa; p=...").`;
  switch (status) {
    case 'valid':
      return { met: true, message: `${where} publishes a usable DKIM key.` };
    case 'dns-error':
      return { unknown: `the lookup of ${where} failed (${lookup.error ?? 'DNS error'})` };
    case 'no-key':
      return { met: false, message: `${where} publishes no DKIM key.`, fix };
    default:
      return { met: false, message: `${where} publishes a key no verifier will use (${status}).`, fix };
  }
}

function judgeMxHost(report: Report, pattern: string): Outcome {
  const domain = mxEvidenceOf(report)?.domains.find((d) => d.roles.includes('domain'));
  if (!domain) return { unknown: 'the mx check did not run' };
  if (domain.mx.kind === 'error')
    return { unknown: `the MX lookup failed (${domain.mx.error ?? 'DNS error'})` };
  const hosts = domain.mx.records.map((r) => hostName(r.exchange)).filter((h) => h !== '');
  const fix = `Add an MX record for ${domain.domain} pointing at ${pattern.startsWith('*.') ? `a host under ${pattern.slice(2)}` : pattern}.`;
  if (hosts.some((h) => matchesDomain(pattern, h)))
    return { met: true, message: `The MX hosts of ${domain.domain} include ${pattern}.` };
  return {
    met: false,
    message: `The MX hosts of ${domain.domain} (${hosts.join(', ') || 'none'}) do not include ${pattern}.`,
    fix,
  };
}

function judgeSpfInclude(report: Report, include: string): Outcome {
  const ev = spfEvidenceOf(report);
  if (!ev) return { unknown: 'the spf check did not run' };
  const reached = ev.nodes.some((n) => n.via !== 'root' && hostName(n.domain) === include);
  if (reached) return { met: true, message: `The SPF policy of ${ev.domain} includes ${include}.` };
  // A walk that stopped early or could not read part of the tree may have missed it.
  if (ev.incomplete || ev.truncated)
    return {
      unknown: `the SPF tree of ${ev.domain} could not be read whole, and ${include} is not in the part read`,
    };
  return {
    met: false,
    message:
      ev.record === null
        ? `${ev.domain} publishes no SPF record; the organisation requires include:${include}.`
        : `The SPF policy of ${ev.domain} does not include ${include}.`,
    fix: `Add include:${include} to the SPF record of ${ev.domain} (before its "all").`,
  };
}

function judgeSpfLookups(report: Report, max: number): Outcome {
  const ev = spfEvidenceOf(report);
  if (!ev) return { unknown: 'the spf check did not run' };
  // An incomplete count is a lower bound: over the budget is decided, within it is not.
  if (ev.totalLookups > max)
    return {
      met: false,
      message: `The SPF policy of ${ev.domain} takes ${ev.totalLookups}${ev.incomplete ? ' or more' : ''} DNS lookups; the organisation allows ${max}.`,
      fix: 'Drop includes of providers no longer used, or replace a:/mx: terms with ip4:/ip6: ranges.',
    };
  if (ev.incomplete || ev.truncated)
    return {
      unknown: `the SPF tree of ${ev.domain} could not be read whole (${ev.totalLookups} lookups counted so far)`,
    };
  return {
    met: true,
    message: `The SPF policy of ${ev.domain} takes ${ev.totalLookups} DNS lookups (at most ${max}).`,
  };
}
