/**
 * The shape of a check: metadata declaring every finding it can emit, an I/O-only
 * collect() that goes through the probe, and a pure, synchronous judge().
 */
import type { Probe } from './probe/types.js';
import type { Severity, Target } from './report.js';

/** Conditions a finding raises; src/replies maps them to provider replies. */
export type Condition =
  | 'spf-suspicious'
  | 'spf-cannot-pass'
  | 'spf-temperror'
  | 'dkim-cannot-pass'
  | 'unauthenticated'
  | 'dmarc-missing'
  | 'dmarc-temperror'
  | 'from-not-aligned'
  | 'ptr-missing'
  | 'ptr-mismatch'
  | 'ptr-missing-ipv6'
  | 'ptr-dynamic'
  | 'domain-nxdomain'
  | 'domain-dns-failure'
  | 'null-mx'
  | 'tls-missing'
  | 'auth-incomplete-microsoft'
  | 'message-too-big-gmail'
  | 'message-too-big-microsoft'
  | 'message-headers-over-gmail-limit'
  | 'message-not-rfc5322'
  | 'attachment-blocked'
  | 'attachment-disguised'
  | 'attachments-too-many'
  | 'ip-blocklisted'
  | 'domain-blocklisted';

export interface FindingSpec {
  severity: Severity;
  /** One line, stable. */
  title: string;
  /** Template with named data: "{count} DNS-querying terms via {chain}". */
  message: string;
  /** What to publish or change. May use the same {names}. */
  fix: string;
  conditions?: readonly Condition[];
}

/**
 * What judge() returns: which finding, the data its templates use, and its evidence. `K` is the
 * union of the check's finding keys (`keyof typeof FINDINGS`), so an undeclared key does not compile.
 */
export interface FindingResult<K extends string = string> {
  /** Key into the check's `findings`, e.g. 'too-many-lookups' (id becomes 'spf/too-many-lookups'). */
  key: K;
  data?: Record<string, string | number | boolean>;
  evidence: Record<string, unknown>;
  /** Conditions raised in addition to the spec's, when they depend on the case. */
  conditions?: Condition[];
}

export interface CollectContext {
  probe: Probe;
  signal: AbortSignal;
  /**
   * Work shared by the checks of one audit (e.g. the MX host set that mx, mx-tls, mta-sts, dane
   * and tls-rpt all need), by key; the runner makes a new one per audit (absent: nothing shared).
   */
  shared?: Map<string, Promise<unknown>>;
  message?: import('./message/types.js').ParsedMessage;
  /** Settings of the reputation check (--dqs-key, blocklists); absent: its defaults. */
  reputation?: ReputationSettings;
}

/** Run-wide settings of the reputation check. The DQS key never appears in a report. */
export interface ReputationSettings {
  /** Spamhaus Data Query Service key: the Spamhaus lists are asked in their DQS zones. */
  dqsKey?: string;
  /** Ids of the blocklists to ask (checks/reputation/lists.ts); `none` alone: none. Default: the defaults. */
  lists?: readonly string[];
}

/** A check's published findings, keyed by the second half of their ids. */
export type FindingSpecs<K extends string = string> = Readonly<Record<K, FindingSpec>>;

export interface Check<E = unknown, K extends string = string> {
  id: string;
  title: string;
  /** What the check needs: a domain, sending IPs, or a sample message (the message command). */
  appliesTo: ('domain' | 'ip' | 'message')[];
  findings: FindingSpecs<K>;
  /**
   * Why the check is skipped for this target and probe (e.g. SMTP probing is off), or
   * undefined to run it. The runner reports a skipped check with `{ skipped: reason }` as evidence.
   */
  skip?: (target: Target, probe: Probe) => string | undefined;
  /** All I/O, through ctx.probe only. Returns plain JSON evidence. */
  collect(target: Target, ctx: CollectContext): Promise<E>;
  /** Pure: evidence in, findings out. */
  judge(evidence: E, target: Target): FindingResult<K>[];
}

/** Fill "{name}" placeholders; unknown names are left as they are. */
export function renderTemplate(
  template: string,
  data: Record<string, string | number | boolean> = {},
): string {
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

/**
 * A check that collects nothing: it judges the evidence other checks gathered (e.g. whether
 * SPF or DKIM can pass and align with From). Run after the others; still pure.
 */
export interface DerivedCheck<E = unknown, K extends string = string> {
  id: string;
  title: string;
  findings: FindingSpecs<K>;
  /** When set, the evidence is also published as this top-level section of the report. */
  reportSection?: 'authentication';
  derive(
    target: Target,
    results: Readonly<Record<string, import('./report.js').CheckResult>>,
  ): { evidence: E; findings: FindingResult<K>[] };
}
