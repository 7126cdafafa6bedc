/** The published findings of the dkim-signature check (ids `dkim-signature/<key>`). */
import type { FindingSpecs } from '../../src/check.js';

export const DKIM_SIGNATURE_FINDINGS = {
  none: {
    severity: 'error',
    title: 'The message has no DKIM signature',
    message: 'The message carries no DKIM-Signature header: receivers cannot authenticate {from} by DKIM.',
    fix: 'Sign outgoing mail with DKIM for {from} (or a domain that aligns with it): enable DKIM signing in your MTA or ESP and publish the key.',
    conditions: ['dkim-cannot-pass'],
  },
  'all-fail': {
    severity: 'error',
    title: 'No DKIM signature of the message verifies',
    message: '{count} DKIM signature(s), none verifies: {reasons}.',
    fix: 'Sign the message as it is finally sent (after footers, tracking and encoding are applied), with a key published at the selector: {fixHint}',
    conditions: ['dkim-cannot-pass'],
  },
  'signature-fails': {
    severity: 'warning',
    title: 'A DKIM signature does not verify',
    message: 'The signature by d={domain} s={selector} does not verify: {reason}. Another signature passes.',
    fix: 'Fix or remove the signature by d={domain}: {fixHint}',
  },
  'key-unknown': {
    severity: 'unknown',
    title: 'A DKIM key could not be looked up',
    message:
      'The key of d={domain} s={selector} ({name}) could not be fetched ({error}): the signature could not be verified.',
    fix: 'Check that the name servers of {domain} answer TXT queries for {name}, then run again.',
  },
  'rsa-sha1': {
    severity: 'error',
    title: 'A DKIM signature uses rsa-sha1',
    message:
      'The signature by d={domain} s={selector} uses rsa-sha1, which verifiers must not accept (RFC 8301 3.1).',
    fix: 'Sign with rsa-sha256 (and a 2048-bit key), or ed25519-sha256 alongside it.',
  },
  'body-length': {
    severity: 'warning',
    title: 'A DKIM signature covers only part of the body (l=)',
    message:
      'The signature by d={domain} s={selector} has l={length}: anyone may append content after {length} octets and the signature still verifies.',
    fix: 'Turn off the body length tag (l=) in your DKIM signer.',
  },
  expired: {
    severity: 'error',
    title: 'A DKIM signature has expired',
    message: 'The signature by d={domain} s={selector} expired at {expires} (x=).',
    fix: 'Sign at send time with an expiry (x=) far enough ahead for delivery and retries, or none.',
  },
  'weak-key': {
    severity: 'warning',
    title: 'A DKIM signature uses a 1024-bit RSA key',
    message:
      'The signature by d={domain} s={selector} verifies with a {bits}-bit RSA key; 2048 bits is the current recommendation.',
    fix: 'Publish a 2048-bit RSA key at a new selector and sign with it.',
  },
  testing: {
    severity: 'info',
    title: 'The DKIM key is in test mode (t=y)',
    message: 'The key of d={domain} s={selector} has t=y: receivers may treat its signatures as unsigned.',
    fix: 'Remove t=y from the key record once signing works.',
  },
  'unsigned-headers': {
    severity: 'warning',
    title: 'Important headers are not covered by the DKIM signature',
    message:
      'The verified signature by d={domain} does not sign {headers}: they can be changed in transit without breaking it.',
    fix: 'Add {headers} to the signed headers (h=) of your DKIM signer.',
  },
  'not-aligned': {
    severity: 'warning',
    title: 'No verified DKIM signature aligns with From',
    message:
      'Signatures verify for {domains}, but none is in the organisational domain of From ({from}): DKIM does not count for DMARC.',
    fix: 'Sign with d={from} (or its organisational domain): most ESPs call this a custom or branded DKIM domain.',
  },
  invalid: {
    severity: 'error',
    title: 'A DKIM-Signature header cannot be read',
    message: 'DKIM-Signature #{index} is not valid: {problem}.',
    fix: 'Fix the DKIM signer: every signature needs v=1, a=, b=, bh=, d=, s= and an h= that includes From (RFC 6376 3.5).',
  },
  'not-verified': {
    severity: 'info',
    title: 'Some DKIM signatures were not verified',
    message: '{count} DKIM signatures after the first {max} were not verified.',
    fix: 'A message rarely needs more than two signatures: remove the extra signers.',
  },
} as const satisfies FindingSpecs;

export type DkimSignatureFindingKey = keyof typeof DKIM_SIGNATURE_FINDINGS;
