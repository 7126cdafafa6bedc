/** The HTML pages' Content-Security-Policy: strict, and its hashes those of the inline style and script. */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';

export function expectCspMatchesInline(html: string): void {
  const csp = html
    .match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1]
    ?.replace(/&#39;/g, "'");
  expect(csp).toBeDefined();
  expect(csp).toMatch(/^default-src 'none'; /);
  expect(csp).not.toContain('unsafe-inline');
  const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
  const script = html.match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? '';
  const hash = (s: string) => createHash('sha256').update(s).digest('base64');
  expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
  expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
  // the CSP meta comes before any style or script
  expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
}
