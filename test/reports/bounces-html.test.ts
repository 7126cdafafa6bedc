/**
 * The bounce page: one self-contained document under the report page's CSP, its charts drawn as
 * SVG on the server (one bar per timeline bucket, a band per wave), hostile bounce strings as
 * text, and a bounded size whatever the number of bounces.
 */
import { describe, expect, it } from 'vitest';
import {
  BOUNCES_HTML_MAX_BOUNCE_ROWS,
  BOUNCES_HTML_MAX_CODES_PER_PROVIDER,
  CATEGORY_COLOUR,
  renderBouncesHtml,
} from '../../reports/bounces-html.js';
import { BOUNCE_CATEGORIES } from '../../src/bounce/categories.js';
import { MAX_TIMELINE_BUCKETS } from '../../src/bounce/timeline.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { expectCspMatchesInline } from '../helpers/page-csp.js';
import {
  bounce,
  fixtureTriage,
  GMAIL,
  OTHER,
  OUTLOOK,
  RATE,
  RUN_START,
  UNKNOWN_USER,
  WAVE_HOUR,
  WAVE_SIZE,
  XSS_CLOSE,
  XSS_IMG,
  XSS_SCRIPT,
} from './bounces-html-fixture.js';

const triage = await fixtureTriage();
const html = renderBouncesHtml(triage);

/** The markup of one element by id (up to its closing tag; the ids are on sections and SVGs). */
function element(page: string, tag: string, id: string): string {
  const start = page.indexOf(`<${tag} id="${id}"`);
  expect(start, `${tag}#${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf(`</${tag}>`, start) + tag.length + 3);
}

describe('renderBouncesHtml', () => {
  it('is one self-contained page: no external URL, links only within the page', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/<[^>]*\s(src|action|srcset|formaction|poster|data|xlink:href)\s*=/i);
    const hrefs = [...markup.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h).toMatch(/^#cat-[a-z-]+$/);
    // every in-page link lands on a row of the category table
    for (const h of new Set(hrefs)) expect(html).toContain(`id="${h?.slice(1)}"`);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\sstyle=/i);
  });

  it('carries the strict CSP whose hashes match its only inline style and script', () => {
    expectCspMatchesInline(html);
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('has the header totals and every section', () => {
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    expect(header).toContain(`${triage.summary.total} bounces`);
    expect(header).toContain(`${triage.summary.permanent} permanent`);
    expect(header).toContain(`${triage.summary.transient} transient`);
    expect(header).toContain(`suppress ${triage.summary.actions.suppress}`);
    expect(header).toContain('1 wave');
    expect(header).toContain('1 bounce without a time');
    for (const id of ['over-time', 'waves', 'codes-per-provider', 'categories', 'domains', 'bounces']) {
      expect(html).toContain(`<section id="${id}">`);
    }
  });

  it('draws the timeline: one bar per bucket, segments coloured by category, the wave as a band', () => {
    const svg = element(html, 'svg', 'timeline');
    const bars = svg.match(/<g class="bar"/g) ?? [];
    expect(bars).toHaveLength(triage.summary.timeline.buckets.length);
    expect(bars).toHaveLength(48);
    // the wave hour's bar holds the wave's reputation bounces, titled for readers without colour
    const waveStart = new Date(RUN_START + WAVE_HOUR * 3_600_000).toISOString();
    const waveBar = svg.slice(
      svg.indexOf(`data-start="${waveStart}"`),
      svg.indexOf('</g>', svg.indexOf(waveStart)),
    );
    expect(waveBar).toContain(
      `fill="${CATEGORY_COLOUR.reputation}"><title>11-03 06:00 UTC: reputation ${WAVE_SIZE}`,
    );
    const bands = svg.match(/<g class="wave">[\s\S]*?<\/g>/g) ?? [];
    expect(bands).toHaveLength(1);
    expect(bands[0]).toContain('Wave W1: gmail 421 4.7.28 (reputation), 60 bounces');
    expect(bands[0]).toMatch(/>W1<\/text>/);
    // the band spans exactly the wave's hour: one slot of the 48
    const width = Number(bands[0]?.match(/<rect [^>]*width="([\d.]+)"/)?.[1]);
    expect(width).toBeCloseTo((1200 - 56 - 16) / 48, 1);
    expect(svg).toContain('bounces per hour (UTC)');
  });

  it('lists the waves with start, end, size, provider, reply and fix', () => {
    const waves = element(html, 'section', 'waves');
    const wave = triage.waves.waves[0];
    expect(wave).toBeDefined();
    expect(waves).toContain('<th scope="row">W1</th><td>2026-11-03 06:00</td><td>2026-11-03 06:59</td>');
    expect(waves).toContain(`<td>${WAVE_SIZE}<span class="sub">`);
    expect(waves).toContain('<td>gmail</td><td class="replies">421 4.7.28</td>');
    expect(waves).toContain(wave?.fix);
    expect(waves).toContain('A wave is a run of consecutive 60-minute windows');
  });

  it('charts the top codes per provider, worst provider first, on one scale', () => {
    const svg = element(html, 'svg', 'codes');
    const providers = [...svg.matchAll(/font-weight="600" font-size="13">([^<]+)</g)].map((m) => m[1]);
    expect(providers).toEqual(['gmail', 'other / unknown', 'microsoft', 'yahoo']);
    const gmail = svg.slice(0, svg.indexOf('other / unknown'));
    expect((gmail.match(/<g class="code">/g) ?? []).length).toBeLessThanOrEqual(
      BOUNCES_HTML_MAX_CODES_PER_PROVIDER,
    );
    expect(gmail).toContain('421 4.7.28, reputation (transient), 61 bounces');
    const widths = [...svg.matchAll(/<rect x="170" [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...widths)).toBeCloseTo(1200 - 170 - 260, 0);
    expect(svg).toContain('550 5.7.515, authentication (permanent), 12 bounces');
  });

  it('names the checks and findings behind each category, and its fix', () => {
    const categories = element(html, 'section', 'categories');
    const auth = categories.slice(categories.indexOf('id="cat-authentication"'));
    expect(auth).toContain('<code class="fid">spf</code>');
    expect(auth).toContain('spf/missing');
    expect(auth).toContain('Make SPF and DKIM pass');
    const rows = categories.match(/<tr id="cat-/g) ?? [];
    expect(rows).toHaveLength(triage.summary.byCategory.length);
  });

  it('lists the sending domains and the first bounces', () => {
    const domains = element(html, 'section', 'domains');
    expect(domains).toContain('<th scope="row">shop.example</th>');
    expect(domains).toContain('<th scope="row">pay.example</th>');
    const bounces = element(html, 'section', 'bounces');
    expect(bounces.match(/<tr><td>/g)).toHaveLength(triage.bounces.length);
    expect(bounces).toContain('<td class="st st-fail">suppress</td>');
    expect(bounces).toContain('mail.log:1<');
  });

  it('renders hostile diagnostics, recipients, hosts, senders and paths as text', () => {
    for (const s of [XSS_SCRIPT, XSS_IMG, XSS_CLOSE, '<img', '<script>alert', 'onerror=alert(1)>']) {
      expect(html).not.toContain(s);
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@example.org');
    expect(html).toContain('logs/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.log:7');
    // no element or attribute came from a bounce: the only tags are the page's own
    const tags = new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]?.toLowerCase()));
    expect([...tags].sort()).toEqual(
      [
        'a',
        'body',
        'code',
        'details',
        'div',
        'g',
        'h1',
        'h2',
        'head',
        'header',
        'html',
        'line',
        'main',
        'meta',
        'p',
        'rect',
        'script',
        'section',
        'span',
        'style',
        'summary',
        'svg',
        'table',
        'tbody',
        'td',
        'text',
        'th',
        'thead',
        'title',
        'tr',
        'tspan',
      ].sort(),
    );
  });

  it('makes control and bidi characters visible, and a hostile provider name or category inert', async () => {
    const t = await triageBounces([bounce('550 5.1.1 a\u202e\x1b[31mb', GMAIL, RUN_START)]);
    const first = t.bounces[0];
    if (!first) throw new Error('no bounce');
    first.provider = `${XSS_IMG}`;
    first.category = 'constructor' as never;
    first.addressAction = '__proto__' as never;
    const page = renderBouncesHtml(t);
    expect(page).toContain('a\\u202e\\x1b[31mb');
    expect(page).not.toContain('\u202e');
    expect(page).not.toContain(XSS_IMG);
    expect(page).toContain('<td class="st st-unknown">__proto__</td>');
    expect(page).not.toContain('href="#cat-constructor"');
  });

  it('says so when no bounce has a time, and when there are none at all', async () => {
    const untimed = renderBouncesHtml(await triageBounces([bounce(UNKNOWN_USER, GMAIL, null)]));
    expect(untimed).toContain('No bounce has a time');
    expect(untimed).not.toContain('<svg id="timeline"');
    const empty = renderBouncesHtml(await triageBounces([]));
    expect(empty).toContain('0 bounces');
    expect(empty).toContain('No wave');
  });

  it('stays bounded with 100,000 bounces over a year', async () => {
    const year = 365 * 24 * 3_600_000;
    const diagnostics = [
      UNKNOWN_USER,
      RATE,
      '552 5.3.4 too big',
      '550 5.7.515 Access denied',
      '451 4.7.24 x',
    ];
    const hosts = [GMAIL, OUTLOOK, OTHER];
    function* records(): Generator<BounceRecord> {
      for (let i = 0; i < 100_000; i++) {
        yield bounce(
          diagnostics[i % diagnostics.length] ?? '',
          hosts[i % hosts.length] ?? null,
          RUN_START + (i * year) / 100_000,
          {
            recipient: `r${i}@d${i % 997}.example`,
            sender: `s@sender${i % 50_000}.example`,
          },
        );
      }
    }
    const big = await triageBounces(records());
    const page = renderBouncesHtml(big);
    expect(big.summary.total).toBe(100_000);
    const bars = page.match(/<g class="bar"/g) ?? [];
    expect(bars.length).toBeGreaterThan(300);
    expect(bars.length).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
    expect(page.match(/<tr><td>/g)?.length).toBeLessThanOrEqual(
      BOUNCES_HTML_MAX_BOUNCE_ROWS + MAX_TIMELINE_BUCKETS,
    );
    expect(page).toContain(
      `${(100_000 - BOUNCES_HTML_MAX_BOUNCE_ROWS).toLocaleString('en-US')} more bounces`,
    );
    expect(page).toContain('more domains in the JSON output');
    expect(page.length).toBeLessThan(1_000_000);
  });

  it('has a colour for every category', () => {
    expect(Object.keys(CATEGORY_COLOUR).sort()).toEqual([...BOUNCE_CATEGORIES].sort());
    expect(new Set(Object.values(CATEGORY_COLOUR)).size).toBe(BOUNCE_CATEGORIES.length);
  });
});
