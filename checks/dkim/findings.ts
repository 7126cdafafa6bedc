/** The DKIM check's published findings (ids 'dkim/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

/** Every finding the check can emit, keyed by id suffix ('dkim/<key>'). */
export const DKIM_FINDINGS = {
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
} as const satisfies FindingSpecs;

export type DkimFindingKey = keyof typeof DKIM_FINDINGS;
