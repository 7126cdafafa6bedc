/**
 * DKIM key records (RFC 6376 3.6.1): the tag=value list parser and the measurement of the
 * public key itself (RSA modulus length, Ed25519 key length). Pure; no I/O.
 */
import { createPublicKey } from 'node:crypto';

/** RSA keys shorter than this never verify: RFC 8301 3.2 ("Verifiers MUST NOT consider signatures using RSA keys of less than 1024 bits as valid"). */
export const DKIM_RSA_MIN_BITS = 1024;
/** Signers SHOULD use RSA keys of at least 2048 bits: RFC 8301 3.2. */
export const DKIM_RSA_RECOMMENDED_BITS = 2048;
/** An Ed25519 public key is the raw 32-byte key: RFC 8463 4 (and RFC 8032 5.1.5). */
export const DKIM_ED25519_KEY_BYTES = 32;
/** Only version of the key record: RFC 6376 3.6.1 ("v=" MUST be "DKIM1" and first). */
export const DKIM_KEY_VERSION = 'DKIM1';
/**
 * Not a protocol limit: a sanity bound on the decoded key so hostile records cannot make
 * the DER decoder chew on megabytes. 2048 bytes holds a 16384-bit RSA SubjectPublicKeyInfo.
 */
export const DKIM_MAX_KEY_BYTES = 2048;
/** Not a protocol limit: DNS TXT data is at most 64 KiB; refuse to parse more than that. */
export const DKIM_MAX_RECORD_CHARS = 65_535;

export interface DkimTag {
  name: string;
  /** Value with surrounding whitespace removed. */
  value: string;
}

export interface DkimKeyRecord {
  /** The record as parsed (TXT strings joined without spaces, RFC 6376 3.6.2.2). */
  text: string;
  tags: DkimTag[];
  /** v= when written (always DKIM1 on a parsed record). */
  version?: string;
  /** k=, lower-cased; 'rsa' when absent (RFC 6376 3.6.1). */
  keyType: string;
  /** p= with all whitespace removed; '' means the key was revoked. */
  publicKey: string;
  revoked: boolean;
  /** h=, lower-cased; undefined when absent (all algorithms allowed). */
  hashAlgorithms?: string[];
  /** s=, lower-cased; ['*'] when absent. */
  serviceTypes: string[];
  /** t=, lower-cased; [] when absent. */
  flags: string[];
  /** t=y: the domain is testing DKIM. */
  testing: boolean;
  /** t=s: i= must not be a subdomain of d=. */
  strict: boolean;
  notes?: string;
}

export interface DkimRecordError {
  /** The tag at fault, when there is one. */
  tag?: string;
  message: string;
}

export type TagListResult = { ok: true; tags: DkimTag[] } | { ok: false; error: DkimRecordError };
export type DkimParseResult = { ok: true; record: DkimKeyRecord } | { ok: false; error: DkimRecordError };

const WSP = /[ \t\r\n]/;
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/; // RFC 6376 3.2 tag-name
// RFC 6376 3.2 VALCHAR (%x21-3A / %x3C-7E) words separated by whitespace.
const TAG_VALUE = /^(?:[\x21-\x3a\x3c-\x7e]+(?:[ \t\r\n]+[\x21-\x3a\x3c-\x7e]+)*)?$/;

function trimWsp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && WSP.test(s[start]!)) start++;
  while (end > start && WSP.test(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/**
 * RFC 6376 3.2 tag-list: `tag-spec *( ";" tag-spec ) [ ";" ]`. Tag names are case-sensitive;
 * a duplicated tag makes the whole list invalid. Only a trailing ";" may leave an empty spec.
 */
export function parseTagList(text: string): TagListResult {
  if (text.length > DKIM_MAX_RECORD_CHARS) {
    return { ok: false, error: { message: `record is longer than ${DKIM_MAX_RECORD_CHARS} characters` } };
  }
  const specs = text.split(';');
  const tags: DkimTag[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    if (trimWsp(spec) === '') {
      if (i === specs.length - 1 && i > 0) break; // the optional trailing ";"
      return { ok: false, error: { message: i === 0 ? 'record is empty' : 'empty tag between ";;"' } };
    }
    const eq = spec.indexOf('=');
    if (eq < 0) return { ok: false, error: { message: `"${trimWsp(spec)}" is not tag=value` } };
    const name = trimWsp(spec.slice(0, eq));
    const value = trimWsp(spec.slice(eq + 1));
    if (!TAG_NAME.test(name)) return { ok: false, error: { message: `invalid tag name "${name}"` } };
    if (seen.has(name)) return { ok: false, error: { tag: name, message: `tag "${name}" appears twice` } };
    if (!TAG_VALUE.test(value)) {
      return {
        ok: false,
        error: { tag: name, message: `tag "${name}" has characters not allowed in a value` },
      };
    }
    seen.add(name);
    tags.push({ name, value });
  }
  return { ok: true, tags };
}

function colonList(value: string): string[] {
  return value
    .split(':')
    .map((v) => trimWsp(v).toLowerCase())
    .filter((v) => v !== '');
}

/** Parse a DKIM key record (RFC 6376 3.6.1). Semantics of p= are checked by measurePublicKey. */
export function parseDkimKeyRecord(text: string): DkimParseResult {
  const list = parseTagList(text);
  if (!list.ok) return list;
  const { tags } = list;
  const get = (name: string) => tags.find((t) => t.name === name)?.value;

  const version = get('v');
  if (version !== undefined) {
    if (tags[0]?.name !== 'v') return { ok: false, error: { tag: 'v', message: 'v= must be the first tag' } };
    if (version !== DKIM_KEY_VERSION) {
      return { ok: false, error: { tag: 'v', message: `v=${version} is not ${DKIM_KEY_VERSION}` } };
    }
  }
  const p = get('p');
  if (p === undefined) return { ok: false, error: { tag: 'p', message: 'p= (the public key) is missing' } };
  const publicKey = p.replace(/[ \t\r\n]+/g, '');
  if (publicKey !== '' && decodeBase64(publicKey) === undefined) {
    return { ok: false, error: { tag: 'p', message: 'p= is not valid base64' } };
  }
  const k = get('k');
  if (k !== undefined && trimWsp(k) === '') return { ok: false, error: { tag: 'k', message: 'k= is empty' } };
  const h = get('h');
  const hashAlgorithms = h === undefined ? undefined : colonList(h);
  if (hashAlgorithms !== undefined && hashAlgorithms.length === 0) {
    return { ok: false, error: { tag: 'h', message: 'h= lists no hash algorithm' } };
  }
  const s = get('s');
  const serviceTypes = s === undefined ? ['*'] : colonList(s);
  const t = get('t');
  const flags = t === undefined ? [] : colonList(t);
  const notes = get('n');

  const record: DkimKeyRecord = {
    text,
    tags,
    keyType: k === undefined ? 'rsa' : k.toLowerCase(),
    publicKey,
    revoked: publicKey === '',
    serviceTypes,
    flags,
    testing: flags.includes('y'),
    strict: flags.includes('s'),
  };
  if (version !== undefined) record.version = version;
  if (hashAlgorithms !== undefined) record.hashAlgorithms = hashAlgorithms;
  if (notes !== undefined) record.notes = notes;
  return { ok: true, record };
}

/**
 * Strict base64 (RFC 6376 3.6.1 base64string, whitespace already removed): alphabet
 * A-Z a-z 0-9 + /, at most two "=" at the end, and a length that can carry whole bytes.
 */
export function decodeBase64(s: string): Buffer | undefined {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(s);
  if (!m) return undefined;
  const body = m[1]!;
  const pad = m[2]!;
  if (pad !== '' && (body.length + pad.length) % 4 !== 0) return undefined;
  if (body.length % 4 === 1) return undefined;
  if (pad !== '' && body.length % 4 === 0) return undefined;
  return Buffer.from(body, 'base64');
}

export type KeyMeasurement =
  | { ok: true; keyType: 'rsa'; format: 'spki' | 'pkcs1'; bits: number; bytes: number }
  | { ok: true; keyType: 'ed25519'; bits: 256; bytes: number }
  | { ok: false; message: string };

/**
 * Measure a key from its p= value. RSA: DER SubjectPublicKeyInfo (what everyone publishes),
 * or a bare PKCS#1 RSAPublicKey (what RFC 6376 3.6.1 literally describes); both are tried.
 * Ed25519: the raw 32-byte key (RFC 8463 4). Other key types are not measured.
 */
export function measurePublicKey(keyType: string, base64: string): KeyMeasurement {
  // A fleet's identities share keys (an ESP's selectors): decoding each again was ~10% of a
  // fleet run's CPU. The measurement is a pure function of its input, so it is kept.
  const memoKey = `${keyType}\u0000${base64}`;
  let measured = measuredKeys.get(memoKey);
  if (measured === undefined) {
    measured = measureUncached(keyType, base64);
    if (measuredKeys.size >= MEASURED_KEYS_KEPT) {
      const oldest = measuredKeys.keys().next();
      if (!oldest.done) measuredKeys.delete(oldest.value);
    }
    measuredKeys.set(memoKey, measured);
  }
  return { ...measured };
}

/** Key measurements kept for reuse (a key's p= is ~400 characters: ~4 MB at most). */
export const MEASURED_KEYS_KEPT = 10_000;
const measuredKeys = new Map<string, KeyMeasurement>();

function measureUncached(keyType: string, base64: string): KeyMeasurement {
  const der = decodeBase64(base64.replace(/[ \t\r\n]+/g, ''));
  if (der === undefined) return { ok: false, message: 'p= is not valid base64' };
  if (der.length === 0) return { ok: false, message: 'p= is empty (revoked key)' };
  if (der.length > DKIM_MAX_KEY_BYTES) {
    return { ok: false, message: `key is ${der.length} bytes, more than the ${DKIM_MAX_KEY_BYTES} measured` };
  }
  if (keyType === 'ed25519') {
    if (der.length !== DKIM_ED25519_KEY_BYTES) {
      const hint =
        der.length === 44 ? ' (looks like a SubjectPublicKeyInfo; RFC 8463 wants the raw key)' : '';
      return {
        ok: false,
        message: `Ed25519 key is ${der.length} bytes, not ${DKIM_ED25519_KEY_BYTES}${hint}`,
      };
    }
    return { ok: true, keyType: 'ed25519', bits: 256, bytes: der.length };
  }
  if (keyType !== 'rsa') return { ok: false, message: `key type "${keyType}" is not measured` };
  for (const format of ['spki', 'pkcs1'] as const) {
    let key: ReturnType<typeof createPublicKey>;
    try {
      key = createPublicKey({ key: der, format: 'der', type: format });
    } catch {
      continue;
    }
    if (key.asymmetricKeyType !== 'rsa') {
      return { ok: false, message: `p= holds a ${key.asymmetricKeyType ?? 'non-RSA'} key but k= is rsa` };
    }
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (bits === undefined) return { ok: false, message: 'could not read the RSA modulus' };
    return { ok: true, keyType: 'rsa', format, bits, bytes: der.length };
  }
  return { ok: false, message: 'p= is neither a DER SubjectPublicKeyInfo nor a PKCS#1 RSA public key' };
}
