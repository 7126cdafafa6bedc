/** The recipient list check: what the library exports (src/index.ts re-exports it). */
export { addressSpaceOf, NON_PUBLIC_RANGES } from './address-space.js';
export { type CheckRecipientsOptions, checkRecipients, DEFAULT_RECIPIENT_WINDOW } from './check.js';
export { type DomainVerdict, judgeDomain } from './domain.js';
export {
  EMAIL_COLUMN_NAMES,
  type InputFormat,
  type InputRecord,
  MAX_RECORD_CHARS,
  RecipientInputError,
  readRecipientRecords,
} from './read.js';
export { RECIPIENT_REASONS, type ReasonSpec, type RecipientReason } from './reasons.js';
export { isDisposableDomain, isRoleAccount, ROLE_LOCAL_PARTS } from './signals.js';
export { MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS, parseAddress } from './syntax.js';
export * from './types.js';
export { editDistance, PROVIDER_DOMAINS, TLD_TYPOS, typoOf } from './typos.js';
