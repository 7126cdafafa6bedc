/**
 * The DKIM key check: looks up `<selector>._domainkey.<domain>` for the selectors the user
 * gave plus a built-in discovery list, then judges each key record (RFC 6376 3.6.1) and
 * measures the key (RFC 8301, RFC 8463).
 *
 * What is measured and what is not: selectors cannot be listed from DNS, so "no key at the
 * selectors tried" never proves the domain has no DKIM. Only selectors the user says they
 * sign with are measured claims; so the 'dkim-cannot-pass' condition is raised only for
 * findings about user-given selectors (a broken key at a merely discovered selector may
 * belong to a retired setup while mail is signed with a selector we did not guess).
 */
import pLimit from 'p-limit';
import type { Check, CollectContext, Condition, FindingResult, FindingSpec } from '../../src/check.js';
import type { DnsErrorKind, DnsResult } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import {
  DKIM_RSA_MIN_BITS,
  DKIM_RSA_RECOMMENDED_BITS,
  type DkimKeyRecord,
  type DkimTag,
  type KeyMeasurement,
  measurePublicKey,
  parseDkimKeyRecord,
  parseTagList,
} from './key.js';
import { DKIM_DISCOVERY_SELECTORS, delegationProvider, discoveryProvider } from './selectors.js';

export {
  type DkimKeyRecord,
  decodeBase64,
  measurePublicKey,
  parseDkimKeyRecord,
  parseTagList,
} from './key.js';
export { DKIM_DISCOVERY_SELECTORS } from './selectors.js';

/** Not a protocol limit: bound on user-given selectors queried per run (hostile config). */
export const DKIM_MAX_USER_SELECTORS = 64;
/** Not a protocol limit: selector lookups in flight at once for one domain. */
export const DKIM_LOOKUP_CONCURRENCY = 8;
/** RFC 1035 2.3.4: a name is at most 255 octets on the wire, 253 characters as text. */
export const DNS_MAX_NAME_CHARS = 253;
/** RFC 1035 2.3.4: a label is at most 63 octets. */
export const DNS_MAX_LABEL_CHARS = 63;
/** The fixed label under which selectors live: RFC 6376 3.6.2.1. */
export const DKIM_KEY_LABEL = '_domainkey';

export type DkimLookupOutcome = 'ok' | 'nxdomain' | 'nodata' | 'error';

/** One selector's TXT lookup, as gathered (plain JSON, replayable). */
export interface DkimSelectorLookup {
  /** Lower-cased selector. */
  selector: string;
  /** The name queried: `<selector>._domainkey.<domain>`. */
  name: string;
  /** Given by the user (a measured claim) rather than tried by discovery. */
  userGiven: boolean;
  /** Who uses this selector, when it is in the discovery list. */
  provider?: string;
  outcome: DkimLookupOutcome;
  error?: DnsErrorKind;
  detail?: string;
  /** CNAMEs followed from `name` (e.g. Microsoft 365's delegation to onmicrosoft.com). */
  cnameChain: string[];
  /** The TXT records at the final owner, each as its list of strings. */
  records: string[][];
}

export interface DkimEvidence {
  /** The signing domain (d=): target.dkimDomain ?? target.domain. */
  domain: string;
  /** User-given selectors tried, lower-cased, deduplicated. */
  userSelectors: string[];
  /** User-given selectors not tried because they are not valid DNS names. */
  invalidSelectors: string[];
  /** User-given selectors beyond DKIM_MAX_USER_SELECTORS, not tried. */
  userSelectorsDropped: number;
  /** Discovery selectors tried (the built-in list minus the user-given ones). */
  discoverySelectors: string[];
  lookups: DkimSelectorLookup[];
}

/** Every finding the check can emit, keyed by id suffix ('dkim/<key>'). */
export const dkimFindings = {
  'no-key-found': {
    severity: 'warning',
    title: 'No DKIM key found at the selectors tried',
    message:
      'No DKIM key was found for {domain} at the {count} selectors that answered ({selectors}). ' +
      'Selectors cannot be listed from DNS, so this does not prove the domain has no DKIM key{userNote}.',
    fix:
      'Give the selector your mail is signed with (the s= tag of its DKIM-Signature header) with --dkim-selector. ' +
      'If you do not sign yet, enable DKIM signing at your mail provider and publish its key as TXT at ' +
      '<selector>._domainkey.{domain}: "v=DKIM1; k=rsa; p=<base64 2048-bit public key>".',
  },
  'selector-not-found': {
    severity: 'error',
    title: 'No DKIM key at a selector you sign with',
    message: 'No DKIM key at {name} ({outcome}){delegation}: mail signed with s={selector} cannot pass DKIM.',
    fix:
      'Publish the key your signer uses as TXT at {name}: "v=DKIM1; k=rsa; p=<base64 public key>". ' +
      'If your provider hosts the key (Microsoft 365, Amazon SES, ...), create the CNAME it gives you and ' +
      'enable signing there.',
    conditions: ['dkim-cannot-pass'],
  },
  'invalid-selector': {
    severity: 'error',
    title: 'DKIM selector is not a valid DNS name',
    message:
      '"{selector}" is not a valid DKIM selector (RFC 6376 3.1: dot-separated labels of letters, digits ' +
      'and hyphens, each at most 63 characters); it was not looked up.',
    fix: 'Give the selector exactly as in the s= tag of your DKIM-Signature header.',
    conditions: ['dkim-cannot-pass'],
  },
  'key-revoked': {
    severity: 'error',
    title: 'DKIM key revoked at a selector you sign with',
    message:
      'The key record at {name} has an empty p= (revoked, RFC 6376 3.6.1): signatures with s={selector} always fail.',
    fix: 'Sign with a selector that has a current key, or publish the current key at {name}.',
    conditions: ['dkim-cannot-pass'],
  },
  'revoked-key-discovered': {
    severity: 'info',
    title: 'Revoked DKIM key found',
    message:
      'The key record at {name} has an empty p= (revoked, RFC 6376 3.6.1). That is fine if no mail is signed ' +
      'with s={selector} any more.',
    fix: 'Nothing to do if this selector is retired.',
  },
  'key-too-short': {
    severity: 'error',
    title: 'DKIM RSA key shorter than 1024 bits',
    message:
      'The RSA key at {name} is {bits} bits; verifiers must reject RSA keys under 1024 bits (RFC 8301 3.2), ' +
      'so signatures with s={selector} cannot pass.',
    fix:
      'Generate a 2048-bit RSA key, publish it at a new selector as TXT "v=DKIM1; k=rsa; p=<base64 public key>", ' +
      'switch signing to it, then revoke this one by publishing "v=DKIM1; p=" at {name}.',
  },
  'key-weak': {
    severity: 'warning',
    title: 'DKIM RSA key shorter than 2048 bits',
    message:
      'The RSA key at {name} is {bits} bits; RFC 8301 3.2 says signers SHOULD use keys of 2048 bits or more.',
    fix:
      'Generate a 2048-bit RSA key, publish it at a new selector as TXT "v=DKIM1; k=rsa; p=<base64 public key>", ' +
      'switch signing to it, then revoke this one by publishing "v=DKIM1; p=" at {name}.',
  },
  'testing-mode': {
    severity: 'warning',
    title: 'DKIM key in testing mode (t=y)',
    message:
      'The key at {name} has t=y. RFC 6376 3.6.1: verifiers MUST NOT treat mail from a signer in testing ' +
      'mode differently from unsigned mail, so a DKIM pass with s={selector} cannot be counted on.',
    fix: 'Once signing works, drop the y flag: publish at {name}: "{suggested}".',
  },
  'invalid-record': {
    severity: 'error',
    title: 'DKIM key record does not parse',
    message: 'The TXT record at {name} is not a valid DKIM key record: {reason}.',
    fix: 'Publish exactly one record of the form "v=DKIM1; k=rsa; p=<base64 public key>" at {name}.',
  },
  'invalid-key': {
    severity: 'error',
    title: 'DKIM public key cannot be decoded',
    message: 'The p= key at {name} is unusable: {reason}.',
    fix:
      'Re-publish the public key as your signer exports it: for k=rsa the base64 of the DER ' +
      'SubjectPublicKeyInfo, for k=ed25519 the base64 of the raw 32-byte key (RFC 8463), as TXT ' +
      '"v=DKIM1; k={keyType}; p=<base64>".',
  },
  'unknown-key-type': {
    severity: 'error',
    title: 'Unknown DKIM key type',
    message:
      'k={keyType} at {name} is not a key type verifiers know (rsa, ed25519); RFC 6376 3.6.1 says they ignore ' +
      'it, so signatures with s={selector} cannot verify.',
    fix: 'Publish k=rsa with a 2048-bit key (and optionally k=ed25519 at a second selector).',
  },
  'sha1-only': {
    severity: 'warning',
    title: 'DKIM key restricted to SHA-1',
    message:
      'The key at {name} has h={hashes}: RFC 8301 3.1 says rsa-sha1 MUST NOT be used for signing or ' +
      'verifying, so verifiers that follow it will not accept these signatures.',
    fix: 'Sign with rsa-sha256 and publish at {name}: "{suggested}".',
  },
  'service-type-excludes-email': {
    severity: 'error',
    title: 'DKIM key not usable for email (s=)',
    message:
      'The key at {name} has s={services}, which includes neither "email" nor "*" (RFC 6376 3.6.1): ' +
      'verifiers will not use it for mail.',
    fix: 'Remove the s= tag or set s=email: publish at {name}: "{suggested}".',
  },
  'multiple-records': {
    severity: 'error',
    title: 'Several TXT records at a DKIM selector',
    message:
      '{count} TXT records at {name}: verifiers may pick any of them (RFC 6376 6.1.2), so signatures with ' +
      's={selector} pass or fail depending on the verifier.',
    fix: 'Keep exactly one DKIM key record at {name} and delete the others.',
  },
  'ed25519-only': {
    severity: 'warning',
    title: 'Only Ed25519 DKIM keys found',
    message:
      'The only usable keys found ({selectors}) are Ed25519. Verifiers that do not implement RFC 8463 ignore ' +
      'Ed25519 signatures; RFC 8463 expects signers to add an RSA signature.',
    fix: 'Also sign with a 2048-bit RSA key published at another selector: "v=DKIM1; k=rsa; p=<base64>".',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'DKIM key lookups failed',
    message:
      'Could not look up {count} of {total} selectors ({selectors}): {errors}. Keys there could not be measured.',
    fix: "Check that the domain's name servers answer TXT queries under _domainkey.{domain}, then run again.",
  },
} satisfies Record<string, FindingSpec>;

export type DkimFindingKey = keyof typeof dkimFindings;

/** RFC 6376 3.1 selector: sub-domain *( "." sub-domain ), as DNS labels. */
export function isValidSelector(selector: string): boolean {
  if (selector === '' || selector.length > DNS_MAX_NAME_CHARS) return false;
  return selector
    .split('.')
    .every(
      (l) =>
        l.length > 0 && l.length <= DNS_MAX_LABEL_CHARS && /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/i.test(l),
    );
}

function normalizeDomain(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function lookupFromResult(
  base: Pick<DkimSelectorLookup, 'selector' | 'name' | 'userGiven' | 'provider'>,
  r: DnsResult,
): DkimSelectorLookup {
  const out: DkimSelectorLookup = { ...base, outcome: r.kind, cnameChain: [...r.cnameChain], records: [] };
  if (r.kind === 'error') {
    out.error = r.error;
    out.detail = r.detail;
  } else if (r.kind === 'ok') {
    for (const rec of r.records) if (rec.type === 'TXT') out.records.push([...rec.data]);
    // A CNAME chain ending in an owner without TXT data comes back ok but empty.
    if (out.records.length === 0) out.outcome = 'nodata';
  }
  return out;
}

async function collectDkim(target: Target, ctx: CollectContext): Promise<DkimEvidence> {
  const domain = normalizeDomain(target.dkimDomain ?? target.domain);
  const given = target.dkimSelectors ?? [];
  const seen = new Set<string>();
  const userSelectors: string[] = [];
  const invalidSelectors: string[] = [];
  for (const raw of given.slice(0, DKIM_MAX_USER_SELECTORS)) {
    const s = raw.trim().toLowerCase().replace(/\.$/, '');
    if (seen.has(s)) continue;
    seen.add(s);
    if (isValidSelector(s)) userSelectors.push(s);
    else invalidSelectors.push(s);
  }
  // A fleet run with known selectors turns discovery off (target.dkimDiscovery === false).
  const discoverySelectors =
    target.dkimDiscovery === false
      ? []
      : DKIM_DISCOVERY_SELECTORS.map((d) => d.selector).filter((s) => !seen.has(s));

  const limit = pLimit(DKIM_LOOKUP_CONCURRENCY);
  const jobs = [
    ...userSelectors.map((selector) => ({ selector, userGiven: true })),
    ...discoverySelectors.map((selector) => ({ selector, userGiven: false })),
  ];
  const lookups = await Promise.all(
    jobs.map(({ selector, userGiven }) =>
      limit(async (): Promise<DkimSelectorLookup> => {
        const name = `${selector}.${DKIM_KEY_LABEL}.${domain}`;
        const base: Pick<DkimSelectorLookup, 'selector' | 'name' | 'userGiven' | 'provider'> = {
          selector,
          name,
          userGiven,
        };
        const provider = discoveryProvider(selector);
        if (provider !== undefined) base.provider = provider;
        const fail = (error: DnsErrorKind, detail: string): DkimSelectorLookup => ({
          ...base,
          outcome: 'error',
          error,
          detail,
          cnameChain: [],
          records: [],
        });
        if (name.length > DNS_MAX_NAME_CHARS) return fail('malformed', 'name longer than 253 characters');
        if (ctx.signal.aborted) return fail('timeout', 'check deadline reached before the lookup');
        return lookupFromResult(base, await ctx.probe.dns.query(name, 'TXT', { signal: ctx.signal }));
      }),
    ),
  );
  return {
    domain,
    userSelectors,
    invalidSelectors,
    userSelectorsDropped: Math.max(0, given.length - DKIM_MAX_USER_SELECTORS),
    discoverySelectors,
    lookups,
  };
}

/** How one selector stands once its record is judged. */
export type SelectorStatus =
  | 'valid'
  | 'no-key'
  | 'dns-error'
  | 'revoked'
  /** Published but no verifier will (reliably) accept signatures with it. */
  | 'unusable';

export interface SelectorAnalysis {
  lookup: DkimSelectorLookup;
  status: SelectorStatus;
  /** The record text(s): TXT strings joined without spaces (RFC 6376 3.6.2.2). */
  texts: string[];
  /** TXT records ignored at a discovered selector because they are not DKIM key records. */
  ignoredTexts: string[];
  record?: DkimKeyRecord;
  key?: KeyMeasurement;
  /** Per-selector findings, without the case conditions (judge adds those). */
  findings: FindingResult[];
}

/**
 * Whether a TXT record is meant as a DKIM key: at a discovered selector, anything else
 * (e.g. a wildcard SPF record answering every name) is not a key, not a broken key.
 */
function looksLikeDkimKey(text: string): boolean {
  const list = parseTagList(text);
  if (list.ok) return list.tags.some((t) => t.name === 'p' || (t.name === 'v' && t.value === 'DKIM1'));
  return /(^|;)\s*(v\s*=\s*DKIM1|p\s*=)/.test(text);
}

/** Rebuild a record with the tags changed: the exact record to publish in a fix. */
function rebuild(tags: readonly DkimTag[], change: Record<string, string | undefined>): string {
  const out: string[] = [];
  for (const t of tags) {
    if (t.name in change) {
      const v = change[t.name];
      if (v !== undefined) out.push(`${t.name}=${v}`);
    } else {
      out.push(`${t.name}=${t.value}`);
    }
  }
  return out.join('; ');
}

/** Judge one selector's lookup: pure. Shared by judge() and dkimOutcome() so they agree. */
export function analyzeSelector(lookup: DkimSelectorLookup): SelectorAnalysis {
  const allTexts = lookup.records.map((strings) => strings.join(''));
  const texts = lookup.userGiven ? allTexts : allTexts.filter(looksLikeDkimKey);
  const ignoredTexts = lookup.userGiven ? [] : allTexts.filter((t) => !looksLikeDkimKey(t));
  const a: SelectorAnalysis = { lookup, status: 'valid', texts, ignoredTexts, findings: [] };
  if (lookup.outcome === 'error') return { ...a, status: 'dns-error' };
  if (texts.length === 0) return { ...a, status: 'no-key' };

  const ev = {
    selector: lookup.selector,
    name: lookup.name,
    userGiven: lookup.userGiven,
    cnameChain: lookup.cnameChain,
  };
  const base = { selector: lookup.selector, name: lookup.name };
  const add = (key: DkimFindingKey, data: Record<string, string | number | boolean>, extra = {}) =>
    a.findings.push({ key, data: { ...base, ...data }, evidence: { ...ev, ...extra } });

  if (allTexts.length > 1) {
    add('multiple-records', { count: allTexts.length }, { records: allTexts });
    return { ...a, status: 'unusable' };
  }
  const text = texts[0]!;
  const parsed = parseDkimKeyRecord(text);
  if (!parsed.ok) {
    add('invalid-record', { reason: parsed.error.message, tag: parsed.error.tag ?? '' }, { record: text });
    return { ...a, status: 'unusable' };
  }
  const record = parsed.record;
  a.record = record;
  const recEv = { record: text, keyType: record.keyType };
  if (record.revoked) {
    add(lookup.userGiven ? 'key-revoked' : 'revoked-key-discovered', {}, recEv);
    return { ...a, status: 'revoked' };
  }
  if (record.keyType !== 'rsa' && record.keyType !== 'ed25519') {
    add('unknown-key-type', { keyType: record.keyType }, recEv);
    return { ...a, status: 'unusable' };
  }
  const key = measurePublicKey(record.keyType, record.publicKey);
  a.key = key;
  if (!key.ok) {
    add('invalid-key', { reason: key.message, keyType: record.keyType }, recEv);
    return { ...a, status: 'unusable' };
  }
  const keyEv = { ...recEv, bits: key.bits, ...(key.keyType === 'rsa' ? { format: key.format } : {}) };
  let status: SelectorStatus = 'valid';
  if (key.keyType === 'rsa' && key.bits < DKIM_RSA_MIN_BITS) {
    add('key-too-short', { bits: key.bits }, keyEv);
    status = 'unusable';
  } else if (key.keyType === 'rsa' && key.bits < DKIM_RSA_RECOMMENDED_BITS) {
    add('key-weak', { bits: key.bits }, keyEv);
  }
  if (record.hashAlgorithms !== undefined) {
    const known = record.hashAlgorithms.filter((h) => h === 'sha1' || h === 'sha256');
    const hashes = record.hashAlgorithms.join(':');
    if (known.length === 0 || (key.keyType === 'ed25519' && !known.includes('sha256'))) {
      // Unknown algorithms are ignored (RFC 6376 3.6.1); ed25519-sha256 is the only Ed25519 one (RFC 8463 3).
      add(
        'invalid-record',
        { reason: `h=${hashes} allows no hash algorithm usable with k=${key.keyType}`, tag: 'h' },
        keyEv,
      );
      status = 'unusable';
    } else if (!known.includes('sha256')) {
      add('sha1-only', { hashes, suggested: rebuild(record.tags, { h: undefined }) }, keyEv);
    }
  }
  if (!record.serviceTypes.includes('*') && !record.serviceTypes.includes('email')) {
    add(
      'service-type-excludes-email',
      { services: record.serviceTypes.join(':'), suggested: rebuild(record.tags, { s: undefined }) },
      keyEv,
    );
    status = 'unusable';
  }
  if (record.testing) {
    const flags = record.flags.filter((f) => f !== 'y');
    add(
      'testing-mode',
      { suggested: rebuild(record.tags, { t: flags.length ? flags.join(':') : undefined }) },
      keyEv,
    );
    if (status === 'valid') status = 'unusable';
  }
  return { ...a, status };
}

/** Findings that make a user-given selector's mail fail DKIM: they raise the condition. */
const BLOCKING: ReadonlySet<string> = new Set<DkimFindingKey>([
  'multiple-records',
  'invalid-record',
  'unknown-key-type',
  'invalid-key',
  'key-too-short',
  'service-type-excludes-email',
  'testing-mode',
]);

function judgeDkim(e: DkimEvidence): FindingResult[] {
  const out: FindingResult[] = [];
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

export const dkimCheck: Check<DkimEvidence> = {
  id: 'dkim',
  title: 'DKIM keys',
  appliesTo: ['domain'],
  findings: dkimFindings,
  collect: collectDkim,
  judge: (evidence) => judgeDkim(evidence),
};
