/** The published findings of the unsubscribe check (ids `unsubscribe/<key>`). */
import type { FindingSpecs } from '../../src/check.js';

export const UNSUBSCRIBE_FINDINGS = {
  missing: {
    severity: 'error',
    title: 'Bulk mail without List-Unsubscribe',
    message:
      'The message has no List-Unsubscribe header: Gmail and Yahoo require one-click unsubscribe (RFC 8058) of bulk senders for marketing and subscribed mail.',
    fix: 'Add `List-Unsubscribe: <https://...>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, both signed by DKIM; honour unsubscribes within 2 days.',
  },
  'no-https': {
    severity: 'error',
    title: 'List-Unsubscribe has no https URI (mailto is not one-click)',
    message:
      'List-Unsubscribe holds {uris}: one-click unsubscribe needs an https URI that takes a POST (RFC 8058 3.1).',
    fix: 'Add an https URI to List-Unsubscribe (keep the mailto: beside it if you like), e.g. `List-Unsubscribe: <https://{domain}/unsubscribe/ID>, <mailto:...>`.',
  },
  'no-post': {
    severity: 'error',
    title: 'List-Unsubscribe-Post is missing',
    message:
      'The message has List-Unsubscribe with an https URI but no `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: receivers will not offer one-click unsubscribe (RFC 8058 3.1).',
    fix: 'Add the header `List-Unsubscribe-Post: List-Unsubscribe=One-Click` and make the https URI accept a POST with that body.',
  },
  'post-invalid': {
    severity: 'error',
    title: 'List-Unsubscribe-Post has the wrong value',
    message:
      'List-Unsubscribe-Post is "{value}"; RFC 8058 3.1 requires exactly `List-Unsubscribe=One-Click`.',
    fix: 'Set the header to `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (one header, that exact value).',
  },
  'not-signed': {
    severity: 'error',
    title: 'List-Unsubscribe is not covered by a DKIM signature that verifies',
    message:
      'No DKIM signature that verifies names {missing} in its h= tag: RFC 8058 4 requires both fields to be signed, or receivers ignore them.',
    fix: "Add List-Unsubscribe and List-Unsubscribe-Post to the signed headers of your ESP's or MTA's DKIM configuration (and make sure the signature verifies).",
  },
  'dkim-unknown': {
    severity: 'unknown',
    title: 'Whether List-Unsubscribe is signed could not be decided',
    message:
      'A DKIM key could not be looked up, so whether a verifying signature covers List-Unsubscribe is unknown.',
    fix: 'Run again when DNS answers; see the dkim-signature findings.',
  },
  'invalid-uri': {
    severity: 'warning',
    title: 'List-Unsubscribe is not a list of <URI>s',
    message:
      'List-Unsubscribe is "{value}": RFC 2369 3.2 wants one or more URIs in angle brackets, separated by commas.',
    fix: 'Write it as `List-Unsubscribe: <https://...>, <mailto:...>`.',
  },
  duplicated: {
    severity: 'warning',
    title: 'List-Unsubscribe or List-Unsubscribe-Post appears more than once',
    message: '{field} appears {count} times: receivers may use either, or neither.',
    fix: 'Keep one {field} header.',
  },
  'transactional-note': {
    severity: 'info',
    title: 'No one-click unsubscribe (fine for transactional mail)',
    message:
      'The message has no complete one-click unsubscribe ({missing}). The transactional profile does not need it; marketing mail sent in bulk does.',
    fix: 'If this message is marketing or subscribed mail, audit it with --profile bulk and add one-click unsubscribe (RFC 8058).',
  },
} as const satisfies FindingSpecs;

export type UnsubscribeFindingKey = keyof typeof UNSUBSCRIBE_FINDINGS;
