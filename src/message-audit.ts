/**
 * auditMessage(): the sample message of a campaign, audited with its sending identity. The
 * message is parsed once (src/message), judged by the message checks (size, headers, format,
 * attachments, one-click unsubscribe, DKIM signatures), and its From domain is audited as
 * audit() does it, fed from the message: MAIL FROM from Return-Path (or `mailFrom`), the DKIM
 * domain and selectors from its DKIM-Signature fields (no selector discovery when it is signed),
 * and alignment judged on the actual From, d= and MAIL FROM. Library code: never prints, never exits.
 */
import type { AuditOptions } from './audit.js';
import { UsageError } from './errors.js';
import { type MessageSource, parseMessage } from './message/parse.js';
import type { ParsedMessage } from './message/types.js';
import { type OverlayRunOptions, runWhatIf, type WhatIf } from './overlay/audit.js';
import { withProbe } from './probe/create.js';
import { createOfflineProbe } from './probe/offline.js';
import type { Probe } from './probe/types.js';
import {
  ALL_CHECKS,
  assertKnownCheckIds,
  CHECK_IDS,
  DERIVED_CHECKS,
  MESSAGE_CHECK_IDS,
  MESSAGE_CHECKS,
} from './registry.js';
import type { Report, Target } from './report.js';
import { runAudit } from './runner.js';
import { normalizeTarget, type TargetInput } from './target.js';

/** DKIM signatures whose d= and s= feed the domain audit (the message's own are all verified). */
const MAX_SIGNATURES_READ = 10;
/** The audited domain of a message whose From cannot be read (RFC 2606: never resolves). */
export const NO_FROM_DOMAIN = 'no-from-domain.invalid';

export interface MessageAuditOptions extends AuditOptions {
  /** Shown in the report (`target.message.fileName`); standard input has none. */
  fileName?: string;
  /** false: message checks only, no DNS at all (`--no-dns`); DKIM keys are then unknown. */
  dns?: boolean;
  /** Sending IPs, HELO, MAIL FROM (instead of Return-Path) and profile, as for audit(). */
  ips?: string[];
  helo?: string;
  mailFrom?: string;
  profile?: string;
  /** The domain to audit when it is not the From domain. */
  domain?: string;
  /** The sending MTA uses SMTPUTF8 (raw UTF-8 in headers is then allowed, RFC 6532). */
  smtputf8?: boolean;
  /**
   * DKIM selectors to look up beside the message's own, for the audited domain (a policy
   * file's expected selectors, src/policy/).
   */
  extraDkimSelectors?: (domain: string) => string[];
}

/** Parses and audits one message. Throws UsageError for bad options; everything else is in the Report. */
export async function auditMessage(
  source: MessageSource,
  options: MessageAuditOptions = {},
): Promise<Report> {
  const { run, helo } = await prepareMessageAudit(source, options);
  if (options.dns === false) {
    const probe = createOfflineProbe();
    return run(probe);
  }
  return withProbe(options.probe, { ...options, ...(helo ? { smtpHeloName: helo } : {}) }, run);
}

/**
 * A message audited live and with proposed DNS records (--overlay): the message is read and
 * parsed once, then audited twice through one probe (src/overlay/audit.ts runWhatIf).
 */
export async function auditMessageWhatIf(
  source: MessageSource,
  overlay: OverlayRunOptions,
  options: MessageAuditOptions = {},
): Promise<WhatIf> {
  if (options.dns === false) throw new UsageError('--overlay needs DNS: it cannot go with --no-dns');
  const { run, helo } = await prepareMessageAudit(source, options);
  return withProbe(options.probe, { ...options, ...(helo ? { smtpHeloName: helo } : {}) }, (probe) =>
    runWhatIf(probe, overlay, run),
  );
}

/** The message read and parsed once, and the audit to run over it with a given probe. */
async function prepareMessageAudit(
  source: MessageSource,
  options: MessageAuditOptions,
): Promise<{ run: (probe: Probe) => Promise<Report>; helo: string | undefined }> {
  assertKnownCheckIds(options.checks, [...CHECK_IDS, ...MESSAGE_CHECK_IDS]);
  const message = await parseMessage(source, {
    ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
    ...(options.smtputf8 ? { smtputf8: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { target, domainKnown } = messageTarget(message, options);
  const withDns = options.dns !== false && domainKnown;
  const run = (probe: Probe) =>
    runAudit(target, {
      probe,
      checks: withDns ? [...ALL_CHECKS, ...MESSAGE_CHECKS] : MESSAGE_CHECKS,
      derived: withDns ? DERIVED_CHECKS : [],
      message,
      ...(options.checks ? { only: options.checks } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.reputation ? { reputation: options.reputation } : {}),
    });
  return { run, helo: options.smtpHeloName ?? target.helo };
}

/** The sending identity the message shows, as a Target with the message's summary. */
export function messageTarget(
  message: ParsedMessage,
  options: MessageAuditOptions = {},
): { target: Target; domainKnown: boolean } {
  const fromDomain = options.domain ?? message.fields.from?.mailboxes[0]?.domain;
  const signatures = message.fields.dkimSignatures.slice(0, MAX_SIGNATURES_READ).map(signatureDomainSelector);
  const signing = signatures.find((s) => s.domain === fromDomain?.toLowerCase()) ?? signatures[0];
  const input: TargetInput = {
    domain: fromDomain ?? NO_FROM_DOMAIN,
    ips: options.ips ?? [],
    ...(options.helo !== undefined ? { helo: options.helo } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  };
  const mailFrom = options.mailFrom ?? returnPathAddress(message.fields.returnPath);
  if (mailFrom !== undefined) input.mailFrom = mailFrom;
  if (signing) {
    if (signing.domain !== fromDomain?.toLowerCase()) input.dkimDomain = signing.domain;
    input.dkimSelectors = signatures.filter((s) => s.domain === signing.domain).map((s) => s.selector);
    input.dkimDiscovery = false;
  }
  const extra = options.extraDkimSelectors?.(input.domain) ?? [];
  if (extra.length > 0) input.dkimSelectors = [...new Set([...(input.dkimSelectors ?? []), ...extra])];
  let target: Target;
  let domainKnown = fromDomain !== undefined;
  try {
    target = normalizeTarget(input);
  } catch (err) {
    // A From domain, Return-Path or signature that is not a valid name is the message's fault
    // (message-format reports it): the message is still checked, without the domain audit.
    if (!(err instanceof UsageError) || options.domain !== undefined) throw err;
    target = normalizeTarget({ domain: NO_FROM_DOMAIN, ips: input.ips ?? [], ...profileOf(input) });
    domainKnown = false;
  }
  target.message = message.summary;
  return { target, domainKnown };
}

function profileOf(input: TargetInput): { profile?: string } {
  return input.profile !== undefined ? { profile: input.profile } : {};
}

/** The address of Return-Path (`<a@b>`), or undefined for none or the null path `<>`. */
function returnPathAddress(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /<([^<>]*)>/.exec(value);
  const address = (m ? m[1] : value)?.trim() ?? '';
  return address.includes('@') ? address : undefined;
}

/** d= and s= of a DKIM-Signature value (lower-case), or skipped when either is missing. */
function signatureDomainSelector(value: string): { domain: string; selector: string } {
  const tag = (name: string) =>
    new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;\\s]+)`).exec(value.replace(/\r?\n[ \t]/g, ' '))?.[1];
  return { domain: (tag('d') ?? '').toLowerCase(), selector: (tag('s') ?? '').toLowerCase() };
}
