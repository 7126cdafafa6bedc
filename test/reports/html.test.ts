import { describe, expect, it } from 'vitest';
import { escapeHtml, htmlText, jsonForScript } from '../../reports/escape.js';
import {
  detailJson,
  HTML_MAX_DETAIL_CHARS,
  HTML_MAX_EVIDENCE_CHARS,
  renderFleetHtml,
  renderReportHtml,
} from '../../reports/html.js';
import { expectCspMatchesInline } from '../helpers/page-csp.js';
import { failingReport, fleetFixture, HOSTILE, XSS_CLOSE, XSS_IMG, XSS_SCRIPT } from './html-fixture.js';

/** Every `<script ...>` opening tag in the page. */
function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/gi) ?? [];
}

/** The bodies of the embedded detail blocks, by id. */
function detailBlocks(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<script type="application\/json" id="(d-\d+)">([\s\S]*?)<\/script>/g)) {
    out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('escapeHtml / htmlText', () => {
  it('escapes the five markup characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
  it('makes control and bidi characters visible before escaping', () => {
    expect(htmlText('a\x1b[31m\u202e<b>')).toBe('a\\x1b[31m\\u202e&lt;b&gt;');
  });
});

describe('jsonForScript (HTML 4.12.1.3: script data must not contain "</script")', () => {
  it('escapes <, >, & and U+2028/2029 and parses back to the same value', () => {
    const value = { record: `${XSS_CLOSE} & \u2028\u2029 <!-- -->`, n: [1, '<b>'] };
    const s = jsonForScript(value);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(s).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(s)).toEqual(value);
  });
});

describe('renderFleetHtml', () => {
  const { summary, reports } = fleetFixture();
  const html = renderFleetHtml(summary, (key) => reports.get(key));

  it('is one self-contained page: no external URL, no src/href attribute', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/<[^>]*\s(src|href|action|srcset|formaction|poster|data)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
  });

  it('carries a strict CSP whose hashes match the inline style and script exactly', () => {
    expectCspMatchesInline(html);
  });

  it('hostile strings never reach markup: only the page script and the JSON blocks are scripts', () => {
    for (const s of [XSS_SCRIPT, XSS_IMG, XSS_CLOSE, '<img', 'onerror=alert(1)>']) {
      expect(html).not.toContain(s);
    }
    const tags = scriptTags(html);
    const blocks = detailBlocks(html);
    expect(tags.filter((t) => t === '<script>')).toHaveLength(1);
    expect(tags.filter((t) => t !== '<script>')).toEqual(
      [...blocks.keys()].map((id) => `<script type="application/json" id="${id}">`),
    );
    // the escaped forms are there, so the data was shown and not dropped
    expect(html).toContain(htmlText(XSS_IMG));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('embeds one parseable detail block per identity holding the hostile data as text', () => {
    const blocks = detailBlocks(html);
    expect(blocks.size).toBe(summary.identities.length);
    for (const body of blocks.values()) {
      expect(body).not.toMatch(/[<>]/);
      expect(() => JSON.parse(body)).not.toThrow();
    }
    const shop = [...blocks.values()]
      .map((b) => JSON.parse(b))
      .find((d) => d.key === 'shop.example-aaaaaaaa');
    expect(shop.target.helo).toBe(`mta${XSS_IMG}`);
    const spf = shop.checks.find((c: { id: string }) => c.id === 'spf');
    const lookups = spf.findings.find((f: { id: string }) => f.id === 'spf/too-many-lookups');
    expect(lookups.message).toContain(XSS_SCRIPT);
    expect(lookups.evidence).toContain(XSS_CLOSE.replace(/"/g, '\\"'));
    expect(lookups.fix).toContain(`TXT "${XSS_IMG}"`);
    // U+2028/2029 from the record are shown as escapes, not as line breaks
    expect(lookups.message).toContain('\\u2028\\u2029');
  });

  it('the SPF include tree keeps lookups per branch', () => {
    const shop = [...detailBlocks(html).values()]
      .map((b) => JSON.parse(b))
      .find((d) => d.key === 'shop.example-aaaaaaaa');
    expect(shop.spf.totalLookups).toBe(13);
    expect(shop.spf.limit).toBe(10);
    expect(shop.spf.tree.domain).toBe('shop.example');
    const esp = shop.spf.tree.children[0];
    expect([esp.domain, esp.lookups, esp.subtreeLookups, esp.children.length]).toEqual([
      '_spf.esp.example',
      3,
      9,
      3,
    ]);
    expect(esp.children[1].ranges).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(shop.spf.tree.children[2].status).toBe('loop');
  });

  it('grid: one row per identity, regressed first then worst status, a column per check', () => {
    const rows = [...html.matchAll(/<tr class="row" data-i="(\d+)" data-status="(\w+)"/g)].map((m) => m[2]);
    expect(rows).toEqual(['fail', 'error', 'unknown', 'warn', 'pass', 'pass', 'pass', 'pass', 'pass']);
    for (const c of summary.checks) expect(html).toContain(`data-check="${c}"`);
    // status cells carry a text label, not only a colour
    expect(html).toMatch(/<td class="st st-fail" data-v="fail">FAIL<\/td>/);
    expect(html).toContain('data-regressed=""');
  });

  it('filter options list the statuses, checks and the predicted replies seen', () => {
    expect(html).toContain('<option value="regressed">');
    expect(html).toContain('<option value="dmarc">dmarc</option>');
    expect(html).toMatch(/<option value="microsoft 550 5.7.515">microsoft 550 5.7.515 \(1\)<\/option>/);
  });

  it('leads with the regressions section', () => {
    const reg = html.indexOf('id="regressions"');
    expect(reg).toBeGreaterThan(0);
    expect(reg).toBeLessThan(html.indexOf('id="fleet"'));
    expect(html).toContain('Regressions since the baseline');
  });

  it('accepts details as an iterable of keyed or bare reports', () => {
    const keyed = renderFleetHtml(
      summary,
      [...reports].map(([key, report]) => ({ key, report })),
    );
    expect(detailBlocks(keyed).size).toBe(summary.identities.length);
    const bare = renderFleetHtml(summary, reports.values());
    expect(detailBlocks(bare).size).toBe(summary.identities.length);
    expect(bare).toBe(html);
  });

  it('without details, rows say where the reports are', () => {
    const lean = renderFleetHtml(summary);
    expect(detailBlocks(lean).size).toBe(1); // the error row's message
    expect(lean).toContain('data-file="reports/shop.example-aaaaaaaa.json"');
  });

  it('bounds embedded details: per finding evidence, per identity, whole page', () => {
    const big = failingReport();
    const spf = big.checks.spf!;
    spf.findings = spf.findings.map((f) => ({ ...f, evidence: { huge: 'x'.repeat(200_000) } }));
    const one = JSON.parse(detailJson('k', big));
    const ev = one.checks.find((c: { id: string }) => c.id === 'spf').findings[0].evidence as string;
    expect(ev.length).toBeLessThanOrEqual(HTML_MAX_EVIDENCE_CHARS);
    // many findings with large evidence: the identity drops evidence to fit
    spf.findings = Array.from({ length: 20 }, (_, i) => ({ ...spf.findings[0]!, id: `spf/f${i}` }));
    const json = detailJson('k', big);
    expect(json.length).toBeLessThanOrEqual(HTML_MAX_DETAIL_CHARS);
    expect(JSON.parse(json).omitted).toMatch(/Evidence left out/);
    // page budget: later identities go without details
    const small = renderFleetHtml(summary, (key) => reports.get(key), { maxTotalDetailChars: 10_000 });
    const n = detailBlocks(small).size;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(summary.identities.length);
    expect(small).toMatch(/identities without embedded details/);
  });
});

describe('renderReportHtml', () => {
  it('renders a single audit with its details embedded', () => {
    const html = renderReportHtml(failingReport());
    expect(html).not.toContain(XSS_SCRIPT);
    expect(html).not.toContain(XSS_IMG);
    expect(detailBlocks(html).size).toBe(1);
    expect(html).toContain('<tr class="row" data-i="0" data-status="fail"');
    expect(JSON.parse([...detailBlocks(html).values()][0]!).checks[0].findings.length).toBeGreaterThan(0);
  });

  it('the whole hostile record shows up escaped in the page, not as markup', () => {
    const r = failingReport();
    r.target.domain = HOSTILE;
    const html = renderReportHtml(r);
    expect(html).toContain(`<h1>${htmlText(HOSTILE)}`);
    expect(scriptTags(html)).toHaveLength(2);
  });
});
