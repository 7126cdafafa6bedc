/** Keys generated once per test file, exported the ways DKIM records carry them. */
import { generateKeyPairSync } from 'node:crypto';

export function rsaKey(bits: number): { spki: string; pkcs1: string } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    pkcs1: publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64'),
  };
}

/** Raw 32-byte Ed25519 key (RFC 8463), and its SubjectPublicKeyInfo (a common mistake). */
export function ed25519Key(): { raw: string; spki: string } {
  const { publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('no x in Ed25519 JWK');
  return {
    raw: Buffer.from(x, 'base64url').toString('base64'),
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** Split base64 into 255-character TXT strings, as DNS publishers do. */
export function txtStrings(record: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < record.length; i += 255) out.push(record.slice(i, i + 255));
  return out;
}
