/**
 * Escaping for the HTML and JUnit renderers. Every string in a report may come from a hostile
 * DNS answer, SMTP banner or config file, so nothing reaches markup without passing here.
 *
 * Strings are first made visible (control and invisible format characters become `\x1b`,
 * `\u202e`, ... as in the text report, so a bidi override cannot reorder what a reader sees),
 * then escaped for the target syntax.
 */
import { sanitizeForTerminal } from './text.js';

/** Control and invisible format characters shown as escapes; with `multiline`, '\n' is kept. */
export function visible(s: unknown, options: { multiline?: boolean } = {}): string {
  return sanitizeForTerminal(String(s), options);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** visible() then escapeHtml(): the one way report data enters HTML markup. */
export function htmlText(s: unknown, options: { multiline?: boolean } = {}): string {
  return escapeHtml(visible(s, options));
}

/**
 * JSON to embed in `<script type="application/json">`: `<`, `>` and `&` become \u escapes so
 * `</script>` or `<!--` inside a record cannot end or change the script element (HTML
 * 4.12.1.3), and U+2028/U+2029 are escaped for any consumer that evaluates it as JavaScript.
 * JSON.parse reads the escapes back to the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Characters XML 1.0 does not allow anywhere, even as character references (XML 1.0 section 2.2
 * Char production): C0 controls other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
 */
const XML_ILLEGAL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replace what XML 1.0 cannot carry with a visible escape (`\x1b`, `\ud800`). */
export function xmlSafeChars(s: string): string {
  return s.replace(XML_ILLEGAL, (ch) => {
    const cp = ch.charCodeAt(0);
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

const XML_TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const XML_ATTR_ESCAPES: Record<string, string> = {
  ...XML_TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  // Attribute-value normalization (XML 1.0 3.3.3) would turn raw whitespace into spaces.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Escape for XML character data; illegal characters made visible; CR kept as a reference. */
export function xmlText(s: unknown): string {
  return xmlSafeChars(String(s)).replace(/[&<>\r]/g, (ch) =>
    ch === '\r' ? '&#13;' : (XML_TEXT_ESCAPES[ch] ?? ch),
  );
}

/** Escape for a double-quoted XML attribute value. */
export function xmlAttr(s: unknown): string {
  return xmlSafeChars(String(s)).replace(/[&<>"'\t\n\r]/g, (ch) => XML_ATTR_ESCAPES[ch] ?? ch);
}

/** Cut to `max` UTF-16 units without splitting a surrogate pair; marks the cut with "…". */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…`;
}
