import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlAttr, xmlSafeChars, xmlText } from '../../reports/escape.js';
import { renderJunit } from '../../reports/junit.js';
import type { Report } from '../../src/report.js';
import { HOSTILE_TXT, sampleReport } from './sample-report.js';

const HOSTILE_MARKUP = `</failure></testcase><testcase name="injected"/>]]><!-- & &amp; "quoted" 'apos' <script>alert(1)</script> "><img src=x onerror=alert(1)>`;
/** Characters XML 1.0 forbids even as references (XML 1.0 section 2.2). */
const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  trimValues: false,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'property', 'failure', 'error', 'skipped'].includes(name),
});

interface Case {
  '@classname': string;
  '@name': string;
  failure?: { '@type': string; '@message': string; '#text'?: string }[];
  error?: { '@type': string; '@message': string; '#text'?: string }[];
  skipped?: ({ '@message': string } | string)[];
  'system-out'?: string;
}
interface Suite {
  '@name': string;
  '@tests': string;
  '@failures': string;
  '@errors': string;
  '@skipped': string;
  testcase: Case[];
}

function parse(xml: string): { suites: Suite[]; root: Record<string, string> } {
  const valid = XMLValidator.validate(xml);
  expect(valid).toBe(true);
  expect(ILLEGAL_XML.test(xml)).toBe(false);
  const doc = parser.parse(xml) as { testsuites: Record<string, string> & { testsuite?: Suite[] } };
  return { suites: doc.testsuites.testsuite ?? [], root: doc.testsuites };
}

function caseOf(suite: Suite, name: string): Case {
  const c = suite.testcase.find((t) => t['@name'] === name);
  if (!c) throw new Error(`no testcase ${name}`);
  return c;
}

/** A report whose every string field holds hostile text. */
function hostileReport(): Report {
  const r = sampleReport();
  r.target.domain = `evil.example${HOSTILE_MARKUP}`;
  const spf = r.checks.spf!;
  spf.findings = spf.findings.map((f) => ({
    ...f,
    id: `spf/${HOSTILE_MARKUP}`,
    title: `title ${HOSTILE_MARKUP}`,
    message: `message ${HOSTILE_TXT} ${HOSTILE_MARKUP}`,
    remediation: `fix ${HOSTILE_MARKUP}\r\nline2 \u0000\u0001\ufffe\ud800`,
    severity: 'error',
  }));
  r.checks.ptr!.error = `deadline ${HOSTILE_MARKUP}\u0007`;
  return r;
}

describe('escape for XML', () => {
  it('escapes markup in text and attributes', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlAttr(`"'<>&`)).toBe('&quot;&apos;&lt;&gt;&amp;');
    // attribute-value normalization (XML 1.0 3.3.3) would eat raw whitespace
    expect(xmlAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  it('makes characters XML 1.0 forbids visible (XML 1.0 2.2 Char)', () => {
    expect(xmlSafeChars('a\u0000b\u001bc\ufffed\uffff')).toBe('a\\x00b\\x1bc\\ufffed\\uffff');
    expect(xmlSafeChars('lone \ud800 and \udc00')).toBe('lone \\ud800 and \\udc00');
    // a valid surrogate pair (an emoji) and the allowed whitespace stay
    expect(xmlSafeChars('ok \u{1f600}\t\n\r')).toBe('ok \u{1f600}\t\n\r');
  });
});

describe('renderJunit', () => {
  it('one testsuite per identity, one testcase per check', () => {
    const xml = renderJunit([
      { key: 'example.com-11111111', report: sampleReport() },
      { key: 'other.example-22222222', report: sampleReport() },
    ]);
    const { suites, root } = parse(xml);
    expect(suites.map((s) => s['@name'])).toEqual(['example.com-11111111', 'other.example-22222222']);
    const s = suites[0]!;
    expect(s.testcase.map((c) => c['@name'])).toEqual(['dkim', 'dmarc', 'mx', 'ptr', 'spf', 'tls']);
    expect(s.testcase.every((c) => c['@classname'] === 'example.com-11111111')).toBe(true);
    expect(s['@tests']).toBe('6');
    expect(s['@failures']).toBe('2'); // dmarc, spf
    expect(s['@skipped']).toBe('2'); // ptr unknown, tls skipped
    expect(s['@errors']).toBe('0');
    expect(root['@tests']).toBe('12');
    expect(root['@failures']).toBe('4');
  });

  it('a failure carries the worst finding as type, and message, fix and replies in its body', () => {
    const { suites } = parse(renderJunit([{ key: 'example.com', report: sampleReport() }]));
    const spf = caseOf(suites[0]!, 'spf');
    const failure = spf.failure?.[0];
    expect(spf.failure).toHaveLength(1);
    expect(failure?.['@type']).toBe('spf/too-many-lookups');
    expect(failure?.['@message']).toBe('spf/too-many-lookups: SPF needs more than 10 DNS lookups');
    expect(failure?.['#text']).toContain('Fix: Flatten includes');
    expect(failure?.['#text']).toContain('Predicted reply: gmail');
    // the warning is not a failure with the default failOn, but is shown
    expect(failure?.['#text']).not.toContain('spf/suspicious-all');
    expect(spf['system-out']).toContain('spf/suspicious-all');
    expect(caseOf(suites[0]!, 'dmarc').failure?.[0]?.['@type']).toBe('dmarc/missing');
    expect(caseOf(suites[0]!, 'mx').failure).toBeUndefined();
  });

  it('failOn warn turns warnings into failures', () => {
    const r = sampleReport();
    r.checks.dkim!.findings = [
      {
        id: 'dkim/weak-key',
        severity: 'warning',
        title: 'Weak key',
        message: '1024-bit',
        evidence: {},
        remediation: 'Rotate to 2048',
        predictedReplies: [],
      },
    ];
    const lenient = parse(renderJunit([{ key: 'k', report: r }])).suites[0]!;
    expect(caseOf(lenient, 'dkim').failure).toBeUndefined();
    const strict = parse(renderJunit([{ key: 'k', report: r }], { failOn: 'warn' })).suites[0]!;
    expect(caseOf(strict, 'dkim').failure?.[0]?.['@type']).toBe('dkim/weak-key');
    expect(caseOf(strict, 'spf').failure?.[0]?.['#text']).toContain('spf/suspicious-all');
  });

  it('unknown is skipped with "could not measure" by default, an error on request', () => {
    const r = sampleReport();
    const dflt = caseOf(parse(renderJunit([{ key: 'k', report: r }])).suites[0]!, 'ptr');
    expect(dflt.error).toBeUndefined();
    const skipped = dflt.skipped?.[0];
    expect(typeof skipped === 'object' ? skipped['@message'] : skipped).toBe('could not measure: deadline');
    const asError = parse(renderJunit([{ key: 'k', report: r }], { unknownAs: 'error' }));
    const ptr = caseOf(asError.suites[0]!, 'ptr');
    expect(ptr.skipped).toBeUndefined();
    expect(ptr.error?.[0]?.['@message']).toBe('could not measure: deadline');
    expect(asError.suites[0]!['@errors']).toBe('1');
  });

  it('an identity without a report is one errored testcase', () => {
    const { suites, root } = parse(
      renderJunit([{ key: 'broken.example-1', domain: 'broken.example', error: 'invalid <domain> & "x"' }]),
    );
    const c = caseOf(suites[0]!, 'audit');
    expect(c.error?.[0]?.['@message']).toBe('invalid <domain> & "x"');
    expect(root['@errors']).toBe('1');
  });

  it('hostile strings in every field stay data: well-formed, no injected elements', () => {
    const r = hostileReport();
    const key = `k${HOSTILE_MARKUP}\u0000`;
    const xml = renderJunit([
      { key, report: r },
      { key: HOSTILE_MARKUP, domain: HOSTILE_MARKUP, error: HOSTILE_MARKUP },
    ]);
    const { suites } = parse(xml);
    expect(xml).not.toContain('<testcase name="injected"');
    expect(xml).not.toContain('<script>');
    expect(suites).toHaveLength(2);
    const s = suites[0]!;
    // the key round-trips, with the NUL made visible
    expect(s['@name']).toBe(`k${HOSTILE_MARKUP}\\x00`);
    expect(s.testcase.map((c) => c['@name'])).toEqual(['dkim', 'dmarc', 'mx', 'ptr', 'spf', 'tls']);
    const failure = caseOf(s, 'spf').failure?.[0];
    expect(failure?.['@type']).toBe(`spf/${HOSTILE_MARKUP}`);
    expect(failure?.['#text']).toContain(`title ${HOSTILE_MARKUP}`);
    expect(failure?.['#text']).toContain('line2 \\x00\\x01\\ufffe\\ud800');
    // the ESC of the ANSI sequence in the TXT record is made visible, the rest kept as text
    expect(failure?.['#text']).toContain('\\x1b]0;pwned\\x07');
    expect(suites[1]!.testcase[0]?.error?.[0]?.['@message']).toBe(HOSTILE_MARKUP);
  });

  it('streams from an iterable it reads once', () => {
    let pulled = 0;
    function* gen() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield { key: `d${i}.example`, report: sampleReport() };
      }
    }
    const { suites, root } = parse(renderJunit(gen()));
    expect(pulled).toBe(50);
    expect(suites).toHaveLength(50);
    expect(root['@tests']).toBe('300');
  });

  it('an empty run is still a valid document', () => {
    const { suites, root } = parse(renderJunit([]));
    expect(suites).toEqual([]);
    expect(root['@tests']).toBe('0');
  });
});
