/**
 * TLSA records (RFC 6698, RFC 7671) as SMTP uses them (RFC 7672): which records a DANE
 * sender can use, and whether a certificate chain presented by a server matches them.
 * Pure: certificates in, verdicts out.
 *
 * How matching works here, and where it stops short of a full DANE client:
 * - DANE-EE(3) matches the leaf only; name and validity dates are not checked (RFC 7672 3.1.1).
 * - DANE-TA(2) matches a certificate the server presented above the leaf (depth >= 1), or,
 *   for a "2 1 0" record (a full public key), a key that verifies the top of the chain
 *   (RFC 7671 5.2.2 lets the server omit the TA certificate only then). A matching TA also
 *   needs: every certificate from the leaf up to the TA issued and signed by the next one,
 *   every one of them within its validity dates, and the leaf valid for the MX host name (the
 *   TLSA base domain) or the next-hop domain (RFC 7672 3.1.2, 3.2.2), and every issuer in
 *   that path a CA (basicConstraints cA, RFC 5280 4.2.1.9; node's issuer check already
 *   refuses an issuer whose keyUsage lacks keyCertSign). Path length and name constraints
 *   are not checked.
 * - A DANE-TA(2) record that matches the leaf itself is not counted: the TA must be an issuer
 *   (as OpenSSL's DANE verifier treats it); the server's own certificate belongs in a 3 x x record.
 * - PKIX-TA(0) and PKIX-EE(1) are not used for SMTP (RFC 7672 3.1.3), nor are unknown usages,
 *   selectors or matching types, nor data of the wrong length for its matching type: all are
 *   "unusable", and a sender that finds no usable record falls back to unauthenticated (but
 *   still mandatory) TLS (RFC 7672 2.2).
 */
import { createHash, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { TlsaData } from '../../src/probe/types.js';

/** Certificate usages. RFC 6698 2.1.1, names from RFC 7218 2.1 */
export const TLSA_USAGE_PKIX_TA = 0;
export const TLSA_USAGE_PKIX_EE = 1;
export const TLSA_USAGE_DANE_TA = 2;
export const TLSA_USAGE_DANE_EE = 3;
/** Selectors. RFC 6698 2.1.2 */
export const TLSA_SELECTOR_CERT = 0;
export const TLSA_SELECTOR_SPKI = 1;
/** Matching types. RFC 6698 2.1.3 */
export const TLSA_MATCH_FULL = 0;
export const TLSA_MATCH_SHA256 = 1;
export const TLSA_MATCH_SHA512 = 2;
/** Digest lengths of matching types 1 and 2. RFC 6698 2.1.3 (FIPS 180-4) */
export const TLSA_SHA256_BYTES = 32;
export const TLSA_SHA512_BYTES = 64;
/** Certificates of a presented chain looked at; servers send a handful, the rest is ignored. */
export const DANE_MAX_CHAIN_CERTS = 10;
/** TLSA records judged per host; more are reported as not checked. */
export const DANE_MAX_TLSA_RECORDS = 20;
/** Full (matching type 0) data bigger than this cannot be a certificate or key we would parse. */
export const TLSA_MAX_FULL_BYTES = 16_384;

export const USAGE_NAMES: Record<number, string> = {
  0: 'PKIX-TA',
  1: 'PKIX-EE',
  2: 'DANE-TA',
  3: 'DANE-EE',
};

export type UnusableReason =
  | 'pkix-usage'
  | 'unknown-usage'
  | 'unknown-selector'
  | 'unknown-matching-type'
  | 'bad-length';

export type TlsaUsability = { usable: true } | { usable: false; reason: UnusableReason; detail: string };

/** "3 1 1 2bb1...e4" (long data shortened), for messages. */
export function formatTlsa(r: TlsaData, maxHex = 16): string {
  const data = r.data.length > maxHex ? `${r.data.slice(0, maxHex)}...` : r.data;
  return `${r.usage} ${r.selector} ${r.matchingType} ${data}`;
}

/** Whether a DANE SMTP sender can use this record, and why not. */
export function tlsaUsability(r: TlsaData): TlsaUsability {
  if (r.usage === TLSA_USAGE_PKIX_TA || r.usage === TLSA_USAGE_PKIX_EE) {
    return {
      usable: false,
      reason: 'pkix-usage',
      detail: `usage ${r.usage} (${USAGE_NAMES[r.usage]}) is not used by SMTP senders (RFC 7672 3.1.3)`,
    };
  }
  if (r.usage !== TLSA_USAGE_DANE_TA && r.usage !== TLSA_USAGE_DANE_EE) {
    return { usable: false, reason: 'unknown-usage', detail: `usage ${r.usage} is not defined` };
  }
  if (r.selector !== TLSA_SELECTOR_CERT && r.selector !== TLSA_SELECTOR_SPKI) {
    return { usable: false, reason: 'unknown-selector', detail: `selector ${r.selector} is not defined` };
  }
  const bytes = r.data.length / 2;
  switch (r.matchingType) {
    case TLSA_MATCH_SHA256:
      if (bytes !== TLSA_SHA256_BYTES) {
        return {
          usable: false,
          reason: 'bad-length',
          detail: `matching type 1 (SHA-256) needs ${TLSA_SHA256_BYTES} bytes of data, the record has ${bytes}`,
        };
      }
      break;
    case TLSA_MATCH_SHA512:
      if (bytes !== TLSA_SHA512_BYTES) {
        return {
          usable: false,
          reason: 'bad-length',
          detail: `matching type 2 (SHA-512) needs ${TLSA_SHA512_BYTES} bytes of data, the record has ${bytes}`,
        };
      }
      break;
    case TLSA_MATCH_FULL:
      if (bytes === 0) {
        return {
          usable: false,
          reason: 'bad-length',
          detail: 'matching type 0 (full) needs the DER certificate or key, the record has no data',
        };
      }
      break;
    default:
      return {
        usable: false,
        reason: 'unknown-matching-type',
        detail: `matching type ${r.matchingType} is not defined`,
      };
  }
  return { usable: true };
}

function selected(cert: X509Certificate, selector: number): Buffer {
  return selector === TLSA_SELECTOR_SPKI ? cert.publicKey.export({ type: 'spki', format: 'der' }) : cert.raw;
}

function digest(data: Buffer, matchingType: number): Buffer {
  if (matchingType === TLSA_MATCH_SHA256) return createHash('sha256').update(data).digest();
  if (matchingType === TLSA_MATCH_SHA512) return createHash('sha512').update(data).digest();
  return data;
}

/**
 * The association data a record with this selector and matching type would hold for a
 * certificate (DER), as lower-case hex: what to publish. Undefined for unknown parameters.
 */
export function tlsaAssociationData(
  certDer: Buffer,
  selector: number,
  matchingType: number,
): string | undefined {
  if (selector !== TLSA_SELECTOR_CERT && selector !== TLSA_SELECTOR_SPKI) return undefined;
  if (matchingType < TLSA_MATCH_FULL || matchingType > TLSA_MATCH_SHA512) return undefined;
  return digest(selected(new X509Certificate(certDer), selector), matchingType).toString('hex');
}

/** A certificate of the presented chain, parsed once. */
interface ParsedCert {
  depth: number;
  cert?: X509Certificate;
  error?: string;
}

export type RecordOutcome =
  | { kind: 'unusable'; reason: UnusableReason; detail: string }
  | { kind: 'match'; depth: number }
  /** A DANE-TA key record (2 1 0) that verifies the top of the chain. */
  | { kind: 'match-key'; depth: number }
  | { kind: 'no-match'; detail: string };

export interface RecordVerdict {
  record: TlsaData;
  outcome: RecordOutcome;
}

export interface TlsaMatchResult {
  /** At least one usable record matches: a DANE sender accepts this chain. */
  matched: boolean;
  /** Records that are usable (RFC 7672 2.2); when 0, senders do unauthenticated TLS. */
  usableCount: number;
  verdicts: RecordVerdict[];
  /** Certificates of the chain that could not be parsed. */
  chainErrors: string[];
}

export interface MatchOptions {
  /** MX host name (the TLSA base domain) and next-hop domain: the leaf must match one for DANE-TA. */
  names: string[];
  /** Validity dates are compared with this (for DANE-TA). */
  now: Date;
}

function parseChain(chainDer: readonly Buffer[]): ParsedCert[] {
  return chainDer.slice(0, DANE_MAX_CHAIN_CERTS).map((der, depth) => {
    try {
      return { depth, cert: new X509Certificate(der) };
    } catch (err) {
      return { depth, error: `certificate at depth ${depth} does not parse: ${(err as Error).message}` };
    }
  });
}

function verifiesWith(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/**
 * Why the chain from the leaf up to depth `top` does not satisfy a DANE-TA match, or
 * undefined when it does (RFC 7672 3.1.2, 3.2.2).
 */
function taChainProblem(chain: ParsedCert[], top: number, opts: MatchOptions): string | undefined {
  const now = opts.now.getTime();
  for (let i = 0; i <= top; i++) {
    const c = chain[i]?.cert;
    if (!c) return `certificate at depth ${i} is missing or does not parse`;
    if (Date.parse(c.validTo) < now) return `certificate at depth ${i} expired on ${c.validTo}`;
    if (Date.parse(c.validFrom) > now) return `certificate at depth ${i} is not valid before ${c.validFrom}`;
    // An issuer must be a CA (RFC 5280 4.2.1.9): a certificate with basicConstraints cA
    // false or absent cannot sign another, even when its key did.
    if (i > 0 && !c.ca) {
      return `certificate at depth ${i} is not a CA certificate (basicConstraints cA not set), so it cannot issue the one below it`;
    }
    if (i < top) {
      const issuer = chain[i + 1]?.cert;
      if (!issuer) return `certificate at depth ${i + 1} is missing or does not parse`;
      if (!c.checkIssued(issuer) || !verifiesWith(c, issuer.publicKey)) {
        return `certificate at depth ${i} is not issued and signed by the one at depth ${i + 1}`;
      }
    }
  }
  const leaf = chain[0]?.cert;
  if (leaf && !opts.names.some((n) => leaf.checkHost(n) !== undefined)) {
    return `the leaf certificate is not valid for ${opts.names.join(' or ')} (RFC 7672 3.2.2)`;
  }
  return undefined;
}

function matchRecord(r: TlsaData, chain: ParsedCert[], opts: MatchOptions): RecordOutcome {
  const usability = tlsaUsability(r);
  if (!usability.usable) return { kind: 'unusable', reason: usability.reason, detail: usability.detail };
  const want = r.data.toLowerCase();
  const matches = (p: ParsedCert): boolean => {
    if (!p.cert) return false;
    try {
      return digest(selected(p.cert, r.selector), r.matchingType).toString('hex') === want;
    } catch {
      return false; // a key type node:crypto cannot export: no match
    }
  };
  if (r.usage === TLSA_USAGE_DANE_EE) {
    const leaf = chain[0];
    if (leaf && matches(leaf)) return { kind: 'match', depth: 0 };
    return { kind: 'no-match', detail: 'does not match the leaf certificate the server presented' };
  }
  // DANE-TA: an issuer in the chain.
  const problems: string[] = [];
  for (const p of chain.slice(1)) {
    if (!matches(p)) continue;
    const problem = taChainProblem(chain, p.depth, opts);
    if (problem === undefined) return { kind: 'match', depth: p.depth };
    problems.push(`matches the certificate at depth ${p.depth}, but ${problem}`);
  }
  if (
    r.selector === TLSA_SELECTOR_SPKI &&
    r.matchingType === TLSA_MATCH_FULL &&
    want.length <= TLSA_MAX_FULL_BYTES * 2
  ) {
    // "2 1 0": the TA may be only a key; it must sign the top certificate the server sent.
    const top = chain.filter((p) => p.cert).at(-1);
    let key: KeyObject | undefined;
    try {
      key = createPublicKey({ key: Buffer.from(want, 'hex'), format: 'der', type: 'spki' });
    } catch {
      key = undefined;
    }
    if (top?.cert && key && verifiesWith(top.cert, key)) {
      const problem = taChainProblem(chain, top.depth, opts);
      if (problem === undefined) return { kind: 'match-key', depth: top.depth };
      problems.push(`its key signed the certificate at depth ${top.depth}, but ${problem}`);
    }
  }
  const leaf = chain[0];
  if (problems.length === 0 && leaf && matches(leaf)) {
    problems.push(
      'matches the leaf certificate itself; a DANE-TA(2) record must match an issuer (publish the leaf as 3 x x)',
    );
  }
  if (problems.length > 0) return { kind: 'no-match', detail: problems.join('; ') };
  return {
    kind: 'no-match',
    detail:
      chain.length > 1
        ? 'matches no issuer certificate the server presented'
        : 'the server presented no issuer certificate to match (a DANE-TA certificate must be in the chain)',
  };
}

/** Matches TLSA records against a presented chain (leaf first, DER). */
export function matchTlsa(
  records: readonly TlsaData[],
  chainDer: readonly Buffer[],
  opts: MatchOptions,
): TlsaMatchResult {
  const chain = parseChain(chainDer);
  const verdicts = records
    .slice(0, DANE_MAX_TLSA_RECORDS)
    .map((record): RecordVerdict => ({ record, outcome: matchRecord(record, chain, opts) }));
  return {
    matched: verdicts.some((v) => v.outcome.kind === 'match' || v.outcome.kind === 'match-key'),
    usableCount: verdicts.filter((v) => v.outcome.kind !== 'unusable').length,
    verdicts,
    chainErrors: chain.flatMap((p) => (p.error ? [p.error] : [])),
  };
}
