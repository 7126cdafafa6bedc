/**
 * One colour per bounce category (the 20-colour qualitative palette of Tableau, assigned so that
 * related categories share a hue: recipients red, mailboxes brown, message orange and olive,
 * authentication purple and pink, reputation blue, transient cyan and green, the rest grey). The
 * colour never carries meaning alone: every bar has a title, and the legend and tables name it.
 */
import type { BounceCategory } from '../../src/bounce/types.js';
import { knownCategory } from './format.js';

export const CATEGORY_COLOUR: Readonly<Record<BounceCategory, string>> = {
  'recipient-unknown': '#d62728',
  'recipient-domain': '#ff9896',
  'mailbox-inactive': '#8c564b',
  'mailbox-full': '#c49c94',
  'message-too-big': '#ff7f0e',
  'message-blocked-content': '#ffbb78',
  'message-format': '#bcbd22',
  'spam-content': '#dbdb8d',
  authentication: '#9467bd',
  ptr: '#c5b0d5',
  tls: '#e377c2',
  policy: '#f7b6d2',
  reputation: '#1f77b4',
  blocklisted: '#aec7e8',
  'rate-limited': '#17becf',
  protocol: '#9edae5',
  network: '#2ca02c',
  'system-transient': '#98df8a',
  expired: '#7f7f7f',
  unknown: '#c7c7c7',
};

/** The colour of a category; grey for anything that is not one. */
export function colourOf(category: unknown): string {
  return CATEGORY_COLOUR[knownCategory(category) ?? 'unknown'];
}

/** A small square of the category's colour, for legends and table rows (decorative). */
export function swatch(category: unknown): string {
  return (
    '<svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">' +
    `<rect width="10" height="10" rx="2" fill="${colourOf(category)}"/></svg>`
  );
}
