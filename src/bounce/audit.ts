/**
 * --audit: the sending domains behind the bounces whose cause a domain check can see (SPF,
 * DKIM, DMARC, alignment, PTR, TLS, MX) are audited with those checks, all through one probe,
 * and each cause (a wave, a category) is told which of the findings now reported explain it, or
 * that the setup looks fine now. Causes only a message check sees (message-size, attachments,
 * ...) cannot be audited from a domain: they are listed for `mail-preflight message` on a sample.
 * Library layer: no printing; the CLI renders the result (reports/bounces-text.ts).
 */
import { audit } from '../audit.js';
import { type ProbeOptions, withProbe } from '../probe/create.js';
import type { Probe } from '../probe/types.js';
import { CHECK_IDS, MESSAGE_CHECK_IDS } from '../registry.js';
import type { CheckResult, CheckStatus, Finding, Report, Severity } from '../report.js';
import { normalizeTarget } from '../target.js';
import type { BounceTriage } from './triage.js';
import type { BounceCategory, ClassifiedBounce } from './types.js';
import { MAX_WAVE_GROUPS, type Wave } from './waves.js';

/** Sending domains audited at most, worst first: each audit costs dozens of DNS queries. */
export const MAX_AUDITED_DOMAINS = 10;
/** Waves whose cause is looked up at most (in start order); the rest are counted. */
export const MAX_AUDITED_WAVES = 50;
/** Causes (provider x code x status x category) whose sending domains are tracked: the wave detector's cap. */
export const MAX_TRACKED_CAUSES = MAX_WAVE_GROUPS;
/** Sending domains tracked per cause and per category; more are counted in the domain totals only. */
export const MAX_DOMAINS_PER_CAUSE = 100;
/** Distinct sending domains whose linked bounces are counted (the candidates for an audit). */
export const MAX_TRACKED_DOMAINS = 10_000;

/** The derived check that reads SPF, DKIM and DMARC: auditing it needs all three. */
const ALIGNMENT = 'alignment';
const ALIGNMENT_INPUTS = ['spf', 'dkim', 'dmarc'] as const;

/** The checks a cause names (its checks and the checks of its finding ids), split by what they need. */
export function linkedChecks(
  checks: readonly string[],
  findings: readonly string[] = [],
): { domain: string[]; message: string[] } {
  const named = new Set([...checks, ...findings.map((f) => f.split('/')[0] ?? '')]);
  if (named.has(ALIGNMENT)) for (const c of ALIGNMENT_INPUTS) named.add(c);
  return {
    domain: CHECK_IDS.filter((id) => named.has(id)),
    message: MESSAGE_CHECK_IDS.filter((id) => named.has(id)),
  };
}

/** The key the wave detector groups by: one provider's reply. */
function causeKey(c: {
  provider: string | null;
  replyCode: number | null;
  status: string | null;
  category: BounceCategory;
}): string {
  return JSON.stringify([c.provider, c.replyCode, c.status, c.category]);
}

/** Count of a key in a bounded map: new keys beyond `max` are not added. */
function bump(map: Map<string, number>, key: string, max: number): void {
  const n = map.get(key);
  if (n !== undefined) map.set(key, n + 1);
  else if (map.size < max) map.set(key, 1);
}

/**
 * The sending domains behind each cause a domain check can see, fed one classified bounce at a
 * time (triageBounces' onBounce), so the waves found at the end can be traced to their senders.
 * Bounded by MAX_TRACKED_CAUSES, MAX_DOMAINS_PER_CAUSE and MAX_TRACKED_DOMAINS.
 */
export class CauseDomainTracker {
  private readonly byCause = new Map<string, Map<string, number>>();
  private readonly byCategory = new Map<BounceCategory, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  /** Bounces with a cause a domain check sees but no sending domain to audit. */
  withoutDomain = 0;

  add(b: ClassifiedBounce): void {
    if (linkedChecks(b.checks, b.findings).domain.length === 0) return;
    const domain = b.sendingDomain;
    if (!domain) {
      this.withoutDomain++;
      return;
    }
    bump(this.totals, domain, MAX_TRACKED_DOMAINS);
    const key = causeKey(b);
    let cause = this.byCause.get(key);
    if (!cause && this.byCause.size < MAX_TRACKED_CAUSES) {
      cause = new Map();
      this.byCause.set(key, cause);
    }
    if (cause) bump(cause, domain, MAX_DOMAINS_PER_CAUSE);
    let category = this.byCategory.get(b.category);
    if (!category) {
      category = new Map();
      this.byCategory.set(b.category, category);
    }
    bump(category, domain, MAX_DOMAINS_PER_CAUSE);
  }

  /** The sending domains of a wave's reply, with their bounce counts. */
  domainsOfWave(wave: Wave): ReadonlyMap<string, number> {
    return this.byCause.get(causeKey(wave)) ?? new Map();
  }

  domainsOfCategory(category: BounceCategory): ReadonlyMap<string, number> {
    return this.byCategory.get(category) ?? new Map();
  }

  /** Domains by their bounces with a linked cause, most first (then by name). */
  domainsWorstFirst(): { domain: string; bounces: number }[] {
    return [...this.totals.entries()]
      .map(([domain, bounces]) => ({ domain, bounces }))
      .sort((a, b) => b.bounces - a.bounces || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  }
}

export interface BounceAuditOptions extends ProbeOptions {
  /** A probe to share (it stays open); without one, one is made from the options and closed at the end. */
  probe?: Probe;
  /** The sending IPs and HELO name, when known: ptr needs the IPs, tls an IP or the HELO name. */
  ips?: string[];
  helo?: string;
  profile?: string;
  /** Most domains audited (default MAX_AUDITED_DOMAINS). */
  maxDomains?: number;
  /** The domains behind each cause, tracked while triaging; default: traced from `triage.bounces`. */
  causeDomains?: CauseDomainTracker;
  signal?: AbortSignal;
}

/** A finding of a linked check that the audit reported (pass-level info findings are left out). */
export interface AuditFinding {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
}

export interface AuditedDomain {
  domain: string;
  /** Bounces from this domain whose cause a domain check sees. */
  bounces: number;
  /** The checks run and their status. */
  checks: Record<string, CheckStatus>;
  /** Why a check was skipped (no sending IP, SMTP off), by check id. */
  skipped: Record<string, string>;
  findings: AuditFinding[];
  /** Set when the domain could not be audited at all (an invalid name, an aborted run). */
  error?: string;
}

/**
 * explained: findings the audit reports now explain it; looks-fine: the linked checks ran and
 * report nothing that explains it; not-measured: a linked check could not measure (DNS failed);
 * not-run: every linked check was skipped (no sending IP given for ptr, SMTP off for tls).
 */
export type CauseVerdict = 'explained' | 'looks-fine' | 'not-measured' | 'not-run';

export interface CauseAudit {
  kind: 'wave' | 'category';
  category: BounceCategory;
  /** A wave's reply and start. */
  provider?: string | null;
  replyCode?: number | null;
  status?: string | null;
  start?: string;
  /** Bounces of this cause from this domain. */
  bounces: number;
  domain: string;
  verdict: CauseVerdict;
  /** Ids of the reported findings that explain it. */
  findings: string[];
  /** The domain checks linked to the cause. */
  checks: string[];
  /** Why the linked checks did not run or measure, when they did not. */
  note?: string;
}

export interface BounceAudit {
  maxDomains: number;
  domains: AuditedDomain[];
  /** Sending domains behind linked causes that were not audited (beyond maxDomains). */
  omittedDomains: number;
  causes: CauseAudit[];
  /** Waves beyond MAX_AUDITED_WAVES, not looked up. */
  omittedWaves: number;
  /** Bounces with a cause a domain check sees but no sending domain. */
  bouncesWithoutDomain: number;
  /** Linked checks that need a message (run `mail-preflight message` on a sample), by category. */
  messageChecks: { category: BounceCategory; checks: string[] }[];
}

/** A cause before it is matched against a domain's audit. */
interface Cause {
  kind: 'wave' | 'category';
  category: BounceCategory;
  wave?: Wave;
  checks: string[];
  findings: string[];
  domains: ReadonlyMap<string, number>;
}

function causesOf(triage: BounceTriage, tracker: CauseDomainTracker): Cause[] {
  const waves = triage.waves.waves.slice(0, MAX_AUDITED_WAVES).map(
    (wave): Cause => ({
      kind: 'wave',
      category: wave.category,
      wave,
      ...linkOf(wave),
      domains: tracker.domainsOfWave(wave),
    }),
  );
  const categories = triage.summary.byCategory.map(
    (c): Cause => ({
      kind: 'category',
      category: c.category,
      ...linkOf(c),
      domains: tracker.domainsOfCategory(c.category),
    }),
  );
  return [...waves, ...categories].filter((c) => c.checks.length > 0);
}

/** The domain checks a wave or category names, and the finding ids that explain it. */
function linkOf(c: { checks: string[]; findings: string[] }): { checks: string[]; findings: string[] } {
  return { checks: linkedChecks(c.checks, c.findings).domain, findings: c.findings };
}

function messageChecksOf(triage: BounceTriage): BounceAudit['messageChecks'] {
  return triage.summary.byCategory
    .map((c) => ({ category: c.category, checks: linkedChecks(c.checks, c.findings).message }))
    .filter((c) => c.checks.length > 0);
}

/** Audits the sending domains behind the triage's linked causes and says what explains each. */
export async function auditBounces(
  triage: BounceTriage,
  options: BounceAuditOptions = {},
): Promise<BounceAudit> {
  checkAuditIdentity(options);
  const tracker = options.causeDomains ?? trackerOf(triage.bounces);
  const maxDomains = options.maxDomains ?? MAX_AUDITED_DOMAINS;
  const causes = causesOf(triage, tracker);
  const candidates = tracker.domainsWorstFirst();
  const chosen = candidates.slice(0, maxDomains);
  const checksOf = (domain: string) => [
    ...new Set(causes.filter((c) => c.domains.has(domain)).flatMap((c) => c.checks)),
  ];
  const reports = await withProbe(options.probe, options, (probe) =>
    Promise.all(chosen.map(({ domain }) => auditDomain(domain, checksOf(domain), probe, options))),
  );
  const byDomain = new Map(chosen.map(({ domain }, i) => [domain, reports[i]]));
  const domains = chosen.map(({ domain, bounces }, i) => auditedDomain(domain, bounces, reports[i]));
  const results: CauseAudit[] = [];
  for (const cause of causes)
    for (const [domain, bounces] of cause.domains) {
      const outcome = byDomain.get(domain);
      if (outcome) results.push(causeAudit(cause, domain, bounces, outcome));
    }
  return {
    maxDomains,
    domains,
    omittedDomains: candidates.length - chosen.length,
    causes: results,
    omittedWaves: Math.max(0, triage.waves.waves.length - MAX_AUDITED_WAVES),
    bouncesWithoutDomain: tracker.withoutDomain,
    messageChecks: messageChecksOf(triage),
  };
}

/** RFC 2606 reserved name, standing in for the sending domains while the shared options are checked. */
const PLACEHOLDER_DOMAIN = 'example.com';

/**
 * A bad --ip, --helo or --profile is the caller's error (UsageError), found before any audit; a
 * bad sending domain is the input's, reported on that domain (auditDomain).
 */
export function checkAuditIdentity(options: BounceAuditOptions): void {
  normalizeTarget({
    domain: PLACEHOLDER_DOMAIN,
    ...(options.ips ? { ips: options.ips } : {}),
    ...(options.helo !== undefined ? { helo: options.helo } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });
}

function trackerOf(bounces: Iterable<ClassifiedBounce>): CauseDomainTracker {
  const t = new CauseDomainTracker();
  for (const b of bounces) t.add(b);
  return t;
}

type DomainOutcome = { report: Report } | { error: string };

async function auditDomain(
  domain: string,
  checks: string[],
  probe: Probe,
  options: BounceAuditOptions,
): Promise<DomainOutcome> {
  try {
    const report = await audit(
      {
        domain,
        ...(options.ips ? { ips: options.ips } : {}),
        ...(options.helo !== undefined ? { helo: options.helo } : {}),
        ...(options.profile !== undefined ? { profile: options.profile } : {}),
      },
      { probe, checks, ...(options.signal ? { signal: options.signal } : {}) },
    );
    return { report };
  } catch (err) {
    // A sending domain comes from the bounces: an invalid one is a fact about the input, not a crash.
    return { error: (err as Error).message };
  }
}

/** Findings worth showing: what is wrong or could not be measured. */
function notable(f: Finding): boolean {
  return f.severity !== 'info';
}

function auditedDomain(domain: string, bounces: number, outcome: DomainOutcome | undefined): AuditedDomain {
  if (!outcome || 'error' in outcome)
    return {
      domain,
      bounces,
      checks: {},
      skipped: {},
      findings: [],
      error: outcome?.error ?? 'not audited',
    };
  const checks: Record<string, CheckStatus> = {};
  const skipped: Record<string, string> = {};
  const findings: AuditFinding[] = [];
  for (const [id, result] of Object.entries(outcome.report.checks)) {
    checks[id] = result.status;
    if (result.status === 'skipped') skipped[id] = whySkipped(result, outcome.report);
    for (const f of result.findings.filter(notable))
      findings.push({ id: f.id, severity: f.severity, title: f.title, remediation: f.remediation });
  }
  return { domain, bounces, checks, skipped, findings };
}

/** The reason a skipped check gives, or why the runner did not apply it (ptr without a sending IP). */
function whySkipped(result: CheckResult, report: Report): string {
  const evidence = result.evidence;
  if (typeof evidence === 'object' && evidence !== null && 'skipped' in evidence) {
    const s = (evidence as { skipped: unknown }).skipped;
    if (typeof s === 'string') return s;
  }
  return report.target.ips.length === 0 ? 'no sending IP given (--ip)' : 'does not apply to this target';
}

function causeAudit(cause: Cause, domain: string, bounces: number, outcome: DomainOutcome): CauseAudit {
  const base: CauseAudit = {
    kind: cause.kind,
    category: cause.category,
    ...(cause.wave
      ? {
          provider: cause.wave.provider,
          replyCode: cause.wave.replyCode,
          status: cause.wave.status,
          start: cause.wave.start,
        }
      : {}),
    bounces,
    domain,
    verdict: 'not-measured',
    findings: [],
    checks: cause.checks,
  };
  if ('error' in outcome) return { ...base, note: outcome.error };
  const results = cause.checks.flatMap((id) => outcome.report.checks[id] ?? []);
  const explaining = results
    .flatMap((r) => r.findings)
    .filter((f) =>
      cause.findings.length > 0
        ? cause.findings.includes(f.id)
        : f.severity === 'error' || f.severity === 'warning',
    )
    .map((f) => f.id);
  if (explaining.length > 0) return { ...base, verdict: 'explained', findings: explaining };
  const ran = results.filter((r) => r.status !== 'skipped');
  if (ran.length === 0) {
    const reasons = results.map((r) => `${r.id}: ${whySkipped(r, outcome.report)}`);
    return { ...base, verdict: 'not-run', note: reasons.join('; ') };
  }
  const unmeasured = ran.filter((r) => r.status === 'unknown').map((r) => r.id);
  if (unmeasured.length > 0)
    return { ...base, verdict: 'not-measured', note: `could not measure: ${unmeasured.join(', ')}` };
  return { ...base, verdict: 'looks-fine' };
}
