/**
 * One description of a TLS certificate for evidence, whoever saw it: the SMTP probe (STARTTLS
 * chains) and the HTTPS fetcher (MTA-STS policy hosts) both describe certificates here, so the
 * same certificate gives the same evidence. Parsed from the DER with node's X509Certificate,
 * never from the handshake's pre-digested PeerCertificate fields.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';

/**
 * DNS names read from one subjectAltName extension. No RFC bounds the list; a hostile
 * certificate could carry thousands, and evidence keeps no more than this.
 */
export const MAX_SAN_DNS_NAMES = 1000;

export interface CertInfo {
  subject: string;
  issuer: string;
  /** DNS names from the subjectAltName extension, lower-case. */
  subjectAltNames: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** 'rsa' | 'ec' | 'ed25519' | 'rsa-pss' ... */
  keyType: string;
  keyBits?: number;
  /** SHA-256 of the DER, lower-case hex without separators. */
  fingerprintSha256: string;
  derBase64: string;
  selfSigned: boolean;
}

/**
 * The fields the HTTPS fetcher publishes for a policy host's certificate (its published
 * evidence shape predates the shared description and keeps only these).
 */
export type CertSummary = Pick<
  CertInfo,
  'subject' | 'issuer' | 'subjectAltNames' | 'notBefore' | 'notAfter' | 'fingerprintSha256'
>;

/** Parses Node's subjectAltName string ('DNS:a, DNS:"b, c", IP Address:1.2.3.4'): DNS names only. */
export function dnsNamesFromSan(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  let i = 0;
  while (i < san.length && out.length < MAX_SAN_DNS_NAMES) {
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    const type = san.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (san[colon + 1] === '"') {
      // Node quotes values that contain separators, as JSON strings.
      let j = colon + 2;
      while (j < san.length && san[j] !== '"') j += san[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(san.slice(colon + 1, j + 1)) as string;
      } catch {
        value = san.slice(colon + 2, j);
      }
      const comma = san.indexOf(', ', j);
      next = comma < 0 ? san.length : comma + 2;
    } else {
      const comma = san.indexOf(', ', colon);
      value = san.slice(colon + 1, comma < 0 ? san.length : comma);
      next = comma < 0 ? san.length : comma + 2;
    }
    if (type === 'DNS') out.push(value.toLowerCase());
    i = next;
  }
  return out;
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  prime192v1: 192,
  secp224r1: 224,
};

/** Plain-JSON description of one DER certificate. Throws when the DER does not parse. */
export function describeCertificate(der: Buffer): CertInfo {
  const x = new X509Certificate(der);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails;
  let keyBits: number | undefined;
  if (details?.modulusLength !== undefined) keyBits = details.modulusLength;
  else if (details?.namedCurve !== undefined) keyBits = CURVE_BITS[details.namedCurve];
  else if (key.asymmetricKeyType === 'ed25519') keyBits = 256;
  else if (key.asymmetricKeyType === 'ed448') keyBits = 456;
  let selfSigned = false;
  try {
    // Not checkIssued(): OpenSSL also demands keyCertSign there, which a self-signed leaf lacks.
    selfSigned = x.subject === x.issuer && x.verify(key);
  } catch {
    selfSigned = false;
  }
  const info: CertInfo = {
    subject: x.subject.split('\n').join(', '),
    issuer: x.issuer.split('\n').join(', '),
    subjectAltNames: dnsNamesFromSan(x.subjectAltName),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    keyType: key.asymmetricKeyType ?? 'unknown',
    fingerprintSha256: x.fingerprint256.replace(/:/g, '').toLowerCase(),
    derBase64: x.raw.toString('base64'),
    selfSigned,
  };
  if (keyBits !== undefined) info.keyBits = keyBits;
  return info;
}

/** The HTTPS fetcher's published subset of a certificate's description. */
export function summarizeCertificate(der: Buffer): CertSummary {
  const { subject, issuer, subjectAltNames, notBefore, notAfter, fingerprintSha256 } =
    describeCertificate(der);
  return { subject, issuer, subjectAltNames, notBefore, notAfter, fingerprintSha256 };
}

/**
 * The presented chain, leaf first, following issuerCertificate; stops at a self-issued
 * certificate, a loop, an unparsable certificate (the handshake's own verdict still stands)
 * or `maxLength`.
 */
export function describeChain(peer: DetailedPeerCertificate, maxLength: number): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert?.raw && out.length < maxLength) {
    const fp = cert.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    try {
      out.push(describeCertificate(cert.raw));
    } catch {
      break;
    }
    if (cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return out;
}
