/**
 * Test certificates for labs, tests and the demo, made offline with node:crypto and a small
 * DER writer (no extra dependency, no openssl binary). Keys are ECDSA P-256 by default
 * (fast to generate); RSA 2048 on request.
 *
 * Not for production: serials are random, there is no revocation, and every certificate
 * is built for loopback servers.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { isIP } from 'node:net';

export type TestKeyType = 'rsa' | 'ec';

export interface TestCa {
  certPem: string;
  keyPem: string;
  certDer: Buffer;
  /** Subject name (also the issuer of every certificate it signs). */
  commonName: string;
}

export interface TestCert {
  certPem: string;
  keyPem: string;
  certDer: Buffer;
  /** DER SubjectPublicKeyInfo (for TLSA selector 1). */
  spkiDer: Buffer;
}

export interface IssueOptions {
  /** SubjectAltNames: DNS names or IP addresses. The first one is also the subject CN. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
  keyType?: TestKeyType;
  commonName?: string;
  /**
   * No keyUsage extension, as old or careless certificates have: such a non-CA certificate
   * can sign another one and pass an issuer-name-and-signature check, so tests can build a
   * chain through a certificate that is not a CA.
   */
  omitKeyUsage?: boolean;
}

const DAY_MS = 86_400_000;
const DEFAULT_VALIDITY_DAYS = 365;
/** RSA size for test keys; 2048 is the minimum OpenSSL's default security level accepts. */
const TEST_RSA_BITS = 2048;

// ---- minimal DER writer -------------------------------------------------------------------

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bitString = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);
const NULL = Buffer.from([0x05, 0x00]);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'ascii'));
  return tlv(0x18, Buffer.from(digits, 'ascii'));
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand '::'
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g || '0', 16), i * 2);
  });
  return out;
}

function subjectAltNames(names: string[]): Buffer {
  const entries = names.map((n) =>
    isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n.toLowerCase(), 'ascii')),
  );
  return seq(...entries);
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));
}

// ---- keys and signing ---------------------------------------------------------------------

interface KeyPair {
  privateKey: KeyObject;
  spkiDer: Buffer;
  type: TestKeyType;
}

function newKeyPair(type: TestKeyType): KeyPair {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: TEST_RSA_BITS })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: pair.privateKey,
    spkiDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
    type,
  };
}

function signatureAlgorithm(type: TestKeyType): Buffer {
  return type === 'rsa'
    ? seq(oid('1.2.840.113549.1.1.11'), NULL) // sha256WithRSAEncryption
    : seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256 (RFC 5758: no parameters)
}

const keyId = (spki: Buffer): Buffer => createHash('sha1').update(spki).digest();

interface BuildOptions {
  subjectCn: string;
  issuerCn: string;
  subjectSpki: Buffer;
  signer: KeyPair;
  issuerSpki: Buffer;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  sans: string[];
  omitKeyUsage?: boolean;
}

function buildCert(o: BuildOptions): Buffer {
  const sigAlg = signatureAlgorithm(o.signer.type);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive
  const exts: Buffer[] = [
    extension('2.5.29.19', o.isCa ? seq(TRUE) : seq(), true), // basicConstraints
    // keyUsage: CA = keyCertSign|cRLSign; leaf = digitalSignature|keyEncipherment
    ...(o.omitKeyUsage
      ? []
      : [
          extension(
            '2.5.29.15',
            o.isCa ? Buffer.from([0x03, 0x02, 0x01, 0x06]) : Buffer.from([0x03, 0x02, 0x05, 0xa0]),
            true,
          ),
        ]),
    extension('2.5.29.14', octets(keyId(o.subjectSpki))), // subjectKeyIdentifier
    extension('2.5.29.35', seq(tlv(0x80, keyId(o.issuerSpki)))), // authorityKeyIdentifier
  ];
  if (!o.isCa) exts.push(extension('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')))); // serverAuth
  if (o.sans.length > 0) exts.push(extension('2.5.29.17', subjectAltNames(o.sans)));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    sigAlg,
    name(o.issuerCn),
    seq(time(o.notBefore), time(o.notAfter)),
    name(o.subjectCn),
    o.subjectSpki,
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, o.signer.privateKey);
  return seq(tbs, sigAlg, bitString(signature));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function keyPem(k: KeyObject): string {
  return k.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function validity(o: { notBefore?: Date; notAfter?: Date }): { notBefore: Date; notAfter: Date } {
  // Back-date by an hour so clock skew between test processes never makes a fresh cert "not yet valid".
  const notBefore = o.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + DEFAULT_VALIDITY_DAYS * DAY_MS);
  return { notBefore, notAfter };
}

// ---- public API ---------------------------------------------------------------------------

/** A CA kept in memory: its private key stays inside this object. */
const caKeys = new WeakMap<TestCa, KeyPair>();

/** A self-signed test CA (ECDSA P-256, 10 years). Pass `certPem` as `ca` to TLS clients. */
export function createTestCa(options: { commonName?: string; keyType?: TestKeyType } = {}): TestCa {
  const commonName = options.commonName ?? 'mail-preflight test CA';
  const key = newKeyPair(options.keyType ?? 'ec');
  const { notBefore } = validity({});
  const der = buildCert({
    subjectCn: commonName,
    issuerCn: commonName,
    subjectSpki: key.spkiDer,
    signer: key,
    issuerSpki: key.spkiDer,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 365 * DAY_MS),
    isCa: true,
    sans: [],
  });
  const ca: TestCa = {
    certPem: pem('CERTIFICATE', der),
    keyPem: keyPem(key.privateKey),
    certDer: der,
    commonName,
  };
  caKeys.set(ca, key);
  return ca;
}

function caKeyPair(ca: TestCa): KeyPair {
  const known = caKeys.get(ca);
  if (known) return known;
  // A CA rebuilt from PEM (e.g. loaded from disk): recover the key pair from keyPem.
  const privateKey = createPrivateKey(ca.keyPem);
  const type: TestKeyType = privateKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
  const spkiDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, spkiDer, type };
}

/** A leaf certificate for `names` signed by `ca`. notAfter in the past gives an expired cert. */
export function issueCert(ca: TestCa, options: IssueOptions): TestCert {
  return leafCert(options, caKeyPair(ca), ca.commonName);
}

/** A self-signed leaf certificate (issuer = subject), as a misconfigured MX would serve. */
export function selfSignedCert(options: IssueOptions): TestCert {
  return leafCert(options, undefined, undefined);
}

/** A leaf for `names`, signed by `signer` (named `issuerCn`), or by its own key when none. */
function leafCert(
  options: IssueOptions,
  signer: KeyPair | undefined,
  issuerCn: string | undefined,
): TestCert {
  const key = newKeyPair(options.keyType ?? 'ec');
  const { notBefore, notAfter } = validity(options);
  const subjectCn = options.commonName ?? options.names[0] ?? 'localhost';
  const issuer = signer ?? key;
  const der = buildCert({
    subjectCn,
    issuerCn: issuerCn ?? subjectCn,
    subjectSpki: key.spkiDer,
    signer: issuer,
    issuerSpki: issuer.spkiDer,
    notBefore,
    notAfter,
    isCa: false,
    sans: options.names,
    omitKeyUsage: options.omitKeyUsage ?? false,
  });
  return {
    certPem: pem('CERTIFICATE', der),
    keyPem: keyPem(key.privateKey),
    certDer: der,
    spkiDer: key.spkiDer,
  };
}
