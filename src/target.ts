/** Validation and normalisation of what the user asks to audit. Bad input is a UsageError. */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { UsageError } from './errors.js';
import { normalizeIp as canonicalIp } from './ip.js';
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from './probe/wire.js';
import type { Profile, Target } from './report.js';

/** Bounds on what one target may ask for, so a hostile config cannot make a run explode. */
export const MAX_IPS_PER_TARGET = 64;
export const MAX_SELECTORS_PER_TARGET = 64;

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * A domain as DNS will be asked for it: A-labels (IDNA via WHATWG URL rules), lower case,
 * no trailing dot. Throws UsageError naming what is wrong.
 */
export function normalizeDomain(input: string, what = 'domain'): string {
  const raw = input.trim();
  if (raw === '') throw new UsageError(`${what} is empty`);
  if (raw.length > 1024) throw new UsageError(`${what} is too long (${raw.length} characters)`);
  const bare = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  const unbracketed = bare.startsWith('[') && bare.endsWith(']') ? bare.slice(1, -1) : bare;
  if (isIP(unbracketed) !== 0) {
    throw new UsageError(
      `${what} "${safe(raw)}" is an IP address; give a domain name (use --ip for addresses)`,
    );
  }
  if (/[\s/\\@:%]/.test(bare))
    throw new UsageError(`${what} "${safe(raw)}" contains characters not allowed in a domain`);
  const ascii = domainToASCII(bare);
  if (ascii === '') throw new UsageError(`${what} "${safe(raw)}" is not a valid domain name`);
  if (ascii.length > MAX_NAME_BYTES) {
    throw new UsageError(`${what} is ${ascii.length} characters long; DNS allows ${MAX_NAME_BYTES}`);
  }
  const labels = ascii.split('.');
  if (labels.length < 2)
    throw new UsageError(`${what} "${safe(raw)}" has a single label; give a full domain name`);
  for (const label of labels) {
    if (label.length === 0) throw new UsageError(`${what} "${safe(raw)}" has an empty label`);
    if (label.length > MAX_LABEL_BYTES) {
      throw new UsageError(
        `${what} has a label of ${label.length} characters; DNS allows ${MAX_LABEL_BYTES}`,
      );
    }
    if (!LABEL_RE.test(label))
      throw new UsageError(`${what} "${safe(raw)}" has an invalid label "${safe(label)}"`);
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    throw new UsageError(`${what} "${safe(raw)}" ends in a numeric label; is it an IP address?`);
  }
  return ascii;
}

/** An IP address in canonical form (IPv6 compressed, lower case; IPv4-mapped IPv6 as IPv4). */
export function normalizeIp(input: string): string {
  const canonical = canonicalIp(input.trim().replace(/^\[(.*)\]$/, '$1'));
  if (canonical === undefined) throw new UsageError(`"${safe(input)}" is not an IP address`);
  return canonical;
}

/** An email address or a bare domain, as given to --mail-from. Returns the domain part. */
export function domainOfAddress(input: string, what = 'mail-from'): string {
  const at = input.lastIndexOf('@');
  return normalizeDomain(at >= 0 ? input.slice(at + 1) : input, what);
}

export interface TargetInput {
  domain: string;
  ips?: string[];
  helo?: string;
  mailFrom?: string;
  dkimDomain?: string;
  dkimSelectors?: string[];
  /**
   * false: only the given selectors are looked up (no discovery list). Ignored when no
   * selector is given: discovery is then the only way to find a key.
   */
  dkimDiscovery?: boolean;
  profile?: string;
}

export function normalizeTarget(input: TargetInput): Target {
  const domain = normalizeDomain(input.domain);
  const ips = [...new Set((input.ips ?? []).map(normalizeIp))];
  if (ips.length > MAX_IPS_PER_TARGET)
    throw new UsageError(`too many IPs (${ips.length}; at most ${MAX_IPS_PER_TARGET})`);
  const profile = input.profile ?? 'bulk';
  if (profile !== 'bulk' && profile !== 'transactional') {
    throw new UsageError(`profile must be bulk or transactional, not "${safe(profile)}"`);
  }
  const selectors = [...new Set((input.dkimSelectors ?? []).map((s) => normalizeSelector(s)))];
  if (selectors.length > MAX_SELECTORS_PER_TARGET) {
    throw new UsageError(
      `too many DKIM selectors (${selectors.length}; at most ${MAX_SELECTORS_PER_TARGET})`,
    );
  }
  const target: Target = { domain, ips, profile: profile as Profile };
  if (input.helo !== undefined) target.helo = normalizeDomain(input.helo, 'helo');
  if (input.mailFrom !== undefined) target.mailFrom = domainOfAddress(input.mailFrom);
  if (input.dkimDomain !== undefined) target.dkimDomain = normalizeDomain(input.dkimDomain, 'dkim-domain');
  if (selectors.length > 0) target.dkimSelectors = selectors;
  if (input.dkimDiscovery === false && selectors.length > 0) target.dkimDiscovery = false;
  return target;
}

function normalizeSelector(input: string): string {
  const s = input.trim().toLowerCase();
  // A selector is one or more labels (RFC 6376 3.1).
  if (s === '' || s.length > 200 || !/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(s)) {
    throw new UsageError(`"${safe(input)}" is not a valid DKIM selector`);
  }
  return s;
}

/** For messages: printable ASCII only, bounded. */
export function safe(s: string): string {
  const cleaned = s.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 80 ? `${cleaned.slice(0, 77)}...` : cleaned;
}
