/** The identity key: a file-name-safe, stable name for one sending identity of a fleet. */
import { createHash } from 'node:crypto';
import { stableStringify, type Target } from '../report.js';

/** Hex digits of the options hash in a key: enough to tell a fleet's identities apart. */
export const IDENTITY_HASH_CHARS = 8;
/**
 * Domain characters kept in a key: file names are limited to 255 bytes on common file
 * systems, and a key also carries "-<hash>.json" and a temporary suffix while written.
 */
export const IDENTITY_KEY_MAX_DOMAIN_CHARS = 200;

/**
 * `<domain>-<hash8>`: the (normalised) domain, cut to IDENTITY_KEY_MAX_DOMAIN_CHARS, plus
 * a hash of every identity option, so two identities of one domain get two keys and the
 * same identity gets the same key in every run (history compares by key).
 */
export function identityKey(target: Target): string {
  // Order of IPs and selectors does not make another identity.
  const canonical: Target = { ...target, ips: [...target.ips].sort() };
  if (target.dkimSelectors) canonical.dkimSelectors = [...target.dkimSelectors].sort();
  const hash = createHash('sha256').update(stableStringify(canonical, 0)).digest('hex');
  return `${target.domain.slice(0, IDENTITY_KEY_MAX_DOMAIN_CHARS)}-${hash.slice(0, IDENTITY_HASH_CHARS)}`;
}

/** Path of an identity's report relative to the out-dir. */
export function reportFileOf(key: string): string {
  return `reports/${key}.json`;
}
