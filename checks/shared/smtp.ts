/**
 * SMTP probing as the checks use it: one way to say SMTP probing is off, one time budget for
 * every check that probes (tls, mx-tls, mta-sts, dane), one probe per MX host per audit, and
 * one shape of an MX host as the probing checks see it (each maps it to its published evidence).
 */
import { setMaxListeners } from 'node:events';
import type { CollectContext } from '../../src/check.js';
import type { SmtpProbeError, SmtpProbeResult, SmtpProber } from '../../src/probe/smtp.js';
import type { DnsResult, Probe } from '../../src/probe/types.js';
import { type LookupOutcome, lookupOutcome } from './dns.js';
import { sharedWhileWanted } from './joint-work.js';

/** Why nothing was probed over SMTP: the run has no SMTP prober. */
export const SMTP_OFF = 'SMTP probing is off (--no-smtp)';

/**
 * Bound on all SMTP probes of one run of a check, well within the runner's 30 s deadline
 * (DEFAULT_CHECK_DEADLINE_MS): a probe still running then becomes "ran out of time" (judged
 * unknown) instead of taking the whole check down with it.
 */
export const SMTP_PROBE_BUDGET_MS = 25_000;

/** The reason SMTP probing is off for this probe (the check is then skipped), or undefined. */
export function smtpOff(probe: Probe): string | undefined {
  return probe.smtp ? undefined : SMTP_OFF;
}

/**
 * Listeners the budget signal may carry at once: every lookup and probe of the check waits on
 * it (mx-tls: the MX answer, then A, AAAA and a probe for each of up to 10 MX hosts).
 */
const MAX_BUDGET_LISTENERS = 100;

/** The check's signal bounded by the SMTP probe budget. */
export function smtpBudget(signal: AbortSignal): AbortSignal {
  const budget = AbortSignal.any([signal, AbortSignal.timeout(SMTP_PROBE_BUDGET_MS)]);
  setMaxListeners(MAX_BUDGET_LISTENERS, budget);
  return budget;
}

/** A probe's result, or why it did not return (aborted by the budget or the run). */
export type SmtpProbeOutcome = { probe: SmtpProbeResult } | { error: string };

/**
 * One probe bounded by `signal`, also when the prober does not honour it: a probe that does
 * not return becomes an error string (judged unknown), never a hang.
 */
export async function probeWithBudget(
  prober: SmtpProber,
  host: string,
  servername: string | undefined,
  signal: AbortSignal,
): Promise<SmtpProbeOutcome> {
  if (signal.aborted) return { error: reasonText(signal.reason) };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const probe = await Promise.race([
      prober.probe(host, { signal, ...(servername !== undefined ? { servername } : {}) }),
      aborted,
    ]);
    // The prober answers an aborted wait with a connect error; it is our budget, not the host.
    if (signal.aborted && !probe.connected) return { error: reasonText(signal.reason) };
    return { probe };
  } catch (err) {
    return { error: reasonText(err) };
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error)
    return reason.name === 'TimeoutError' ? 'the probe ran out of time' : reason.message;
  return String(reason ?? 'aborted');
}

/**
 * A probe that did not return (the budget ran out) in the shape of a probe error, for evidence
 * that records probe errors (mta-sts, dane): like the prober's answer to an abandoned wait, a
 * connect timeout, which they judge unknown (port 25 may be blocked), never a TLS failure.
 */
export function unreturnedProbeError(detail: string): SmtpProbeError {
  return { kind: 'connect-timeout', stage: 'connect', detail };
}

/**
 * The SMTP probe of an MX host, with the host name as TLS server name, run once per audit for
 * every check that probes MX hosts; each waits under its own `signal` (its budget).
 */
export function probeMxHost(
  ctx: CollectContext,
  prober: SmtpProber,
  host: string,
  signal: AbortSignal,
): Promise<SmtpProbeOutcome> {
  return sharedWhileWanted(
    ctx,
    `mx-smtp-probe ${host}`,
    signal,
    (s) => probeWithBudget(prober, host, host, s),
    () => ({ error: reasonText(signal.reason) }),
  );
}

/** An MX host as the checks that probe MX hosts gather it (each publishes its own view). */
export interface MxSmtpHost {
  /** The exchange, a hostName. */
  host: string;
  preference: number;
  /** The A and AAAA answers, when the check asked them (mx-tls: AAAA only when A has none). */
  a?: DnsResult;
  aaaa?: DnsResult;
  /** The SMTP probe, when one was made. */
  smtp?: SmtpProbeOutcome;
  /** Why the host was not probed over SMTP (SMTP_OFF), when that is the reason. */
  skipped?: string;
}

/**
 * The MX host probed over SMTP under `signal`, or marked skipped when SMTP probing is off.
 * Addresses are not looked up here: mx-tls adds them (see checks/shared/mx-hosts.ts).
 */
export async function probedMxHost(
  ctx: CollectContext,
  mx: { host: string; preference: number },
  signal: AbortSignal,
): Promise<MxSmtpHost> {
  const prober = ctx.probe.smtp;
  if (!prober) return { ...mx, skipped: SMTP_OFF };
  return { ...mx, smtp: await probeMxHost(ctx, prober, mx.host, signal) };
}

/**
 * An A or AAAA answer as the SMTP-probing checks publish it (tls, mx-tls): the outcome and the
 * addresses as the resolver gave them (not made canonical, unlike mx's AddressLookup).
 */
export interface SmtpHostLookup extends LookupOutcome {
  addresses: string[];
}

export function smtpHostLookup(r: DnsResult, type: 'A' | 'AAAA'): SmtpHostLookup {
  const addresses: string[] = [];
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === type) addresses.push(rec.data);
  return { ...lookupOutcome(r), addresses };
}
