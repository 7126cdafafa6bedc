/**
 * URL domains of the text and HTML parts (issue 10: the reputation work will use them): href and
 * src attributes and bare http(s) URLs, reduced to registrable domains with tldts (the Public
 * Suffix List). Bounded: URLs looked at and domains listed are capped.
 */
import { parse } from 'tldts';
import { MAX_URL_DOMAINS, type UrlDomains } from './types.js';

/** URLs looked at per message; a hostile body with millions of links is cut here. */
export const MAX_URLS_SCANNED = 20_000;

/** Longest URL read; the bound keeps an unclosed quote from making the scan quadratic. */
export const MAX_URL_CHARS = 2048;
const ATTRIBUTE = new RegExp(
  `\\b(?:href|src)\\s*=\\s*(?:"([^"]{0,${MAX_URL_CHARS}})"|'([^']{0,${MAX_URL_CHARS}})'|([^\\s>"']{1,${MAX_URL_CHARS}}))`,
  'gi',
);
const BARE = new RegExp(`\\bhttps?://[^\\s"'<>()[\\]{}\\\\^\`|]{1,${MAX_URL_CHARS}}`, 'gi');

export class UrlCollector {
  private readonly domains = new Set<string>();
  private readonly ipHosts = new Set<string>();
  private urlCount = 0;
  /** URLs already counted (an href is also found by the bare-URL scan). */
  private readonly seen = new Set<string>();
  private omitted = new Set<string>();

  /** Collect from decoded text; `html` also reads attribute values (any scheme with a host). */
  add(text: string, html: boolean): void {
    if (html) {
      for (const m of text.matchAll(ATTRIBUTE)) {
        if (this.urlCount >= MAX_URLS_SCANNED) return;
        const url = (m[1] ?? m[2] ?? m[3] ?? '').replace(/&amp;/gi, '&').trim();
        if (/^(?:https?:)?\/\//i.test(url)) this.addUrl(url.startsWith('//') ? `https:${url}` : url);
      }
    }
    for (const m of text.matchAll(BARE)) {
      if (this.urlCount >= MAX_URLS_SCANNED) return;
      this.addUrl(html ? m[0].replace(/&amp;/gi, '&') : m[0]);
    }
  }

  private addUrl(url: string): void {
    if (this.seen.has(url)) return;
    this.seen.add(url);
    this.urlCount++;
    const p = parse(url);
    if (p.isIp && p.hostname) {
      if (this.ipHosts.size < MAX_URL_DOMAINS) this.ipHosts.add(p.hostname);
      return;
    }
    const domain = p.domain?.toLowerCase();
    if (!domain) return;
    if (this.domains.has(domain)) return;
    if (this.domains.size < MAX_URL_DOMAINS) this.domains.add(domain);
    else if (this.omitted.size < MAX_URLS_SCANNED) this.omitted.add(domain);
  }

  result(): UrlDomains {
    return {
      domains: [...this.domains].sort(),
      ipHosts: [...this.ipHosts].sort(),
      urlCount: this.urlCount,
      omitted: this.omitted.size,
    };
  }
}
