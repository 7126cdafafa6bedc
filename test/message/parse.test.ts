import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseMessage, parseMessageBytes } from '../../src/message/parse.js';
import { MAX_MIME_DEPTH, MAX_MIME_PARTS } from '../../src/message/types.js';
import { compose, crlf, GOOD_HEADER } from './build.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);

describe('parseMessage: a composed message', async () => {
  const bytes = await compose({
    subject: 'Héllo wörld',
    to: 'bob@example.org, "Carl, C" <carl@example.net>',
    text: 'see https://www.shop.example.co.uk/x and http://192.0.2.1/y',
    html: '<a href="https://click.example.com/a?b=1&amp;c=2">x</a><img src="//cdn.example.net/i.png">',
    attachments: [
      { filename: 'catalogue.pdf', content: PDF },
      { filename: 'naïve résumé.txt', content: 'hello' },
    ],
  });
  const m = await parseMessage(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), {
    fileName: 'a.eml',
  });

  it('measures the bytes as given: size, SHA-256, CRLF line ends', () => {
    expect(m.wire.bytes).toBe(bytes.length);
    expect(m.wire.wireBytes).toBe(bytes.length);
    expect(m.wire.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(m.wire.lineEnding).toBe('crlf');
    expect(m.wire.headerBytes).toBe(bytes.indexOf('\r\n\r\n') + 4);
    expect(m.summary).toMatchObject({
      fileName: 'a.eml',
      bytes: bytes.length,
      messageId: '<m1@example.com>',
      from: 'Ann <ann@example.com>',
      subject: 'Héllo wörld',
    });
  });

  it('lists header fields in order with raw sizes and counts, and parses the RFC 5322 fields', () => {
    expect(m.header.fields.map((f) => f.name).slice(0, 5)).toEqual([
      'From',
      'To',
      'Subject',
      'Message-ID',
      'Date',
    ]);
    const subject = m.header.fields[2]!;
    expect(subject.value).toBe('=?UTF-8?Q?H=C3=A9llo_w=C3=B6rld?=');
    expect(subject.decoded).toBe('Héllo wörld');
    expect(subject.valueBytes).toBe(' =?UTF-8?Q?H=C3=A9llo_w=C3=B6rld?='.length);
    expect(m.header.counts['from']).toBe(1);
    expect(m.fields.from?.mailboxes).toEqual([
      { name: 'Ann', address: 'ann@example.com', local: 'ann', domain: 'example.com' },
    ]);
    expect(m.fields.to?.mailboxCount).toBe(2);
    expect(m.fields.date).toEqual({ valid: true, obsolete: false, iso: '2026-12-07T10:00:00.000Z' });
    expect(m.fields.messageId?.valid).toBe(true);
  });

  it('walks the MIME tree with byte offsets that point at each part', () => {
    const paths = m.mime.parts.map((p) => `${p.path}:${p.contentType}`);
    expect(paths).toEqual([
      ':multipart/mixed',
      '1:multipart/alternative',
      '1.1:text/plain',
      '1.2:text/html',
      '2:application/pdf',
      '3:text/plain',
    ]);
    for (const p of m.mime.parts.slice(1)) {
      const text = bytes.toString('latin1', p.offset, p.offset + p.bytes);
      expect(text.startsWith('Content-Type:')).toBe(true);
      // RFC 2046 5.1.1: the CRLF before the next boundary belongs to the boundary.
      expect(bytes.toString('latin1', p.offset + p.bytes, p.offset + p.bytes + 4)).toBe('\r\n--');
      expect(p.bodyOffset - p.offset).toBe(p.headerBytes);
    }
    expect(m.mime.problems).toEqual([]);
  });

  it('exposes attachments with RFC 2231/2047 names and decodes them on demand', () => {
    expect(m.attachments.map((a) => [a.path, a.filename, a.contentType, a.disposition])).toEqual([
      ['2', 'catalogue.pdf', 'application/pdf', 'attachment'],
      ['3', 'naïve résumé.txt', 'text/plain', 'attachment'],
    ]);
    expect(m.attachments[0]!.content().equals(PDF)).toBe(true);
    expect(m.attachments[1]!.content().toString()).toBe('hello');
    expect(m.attachments[0]!.encodedBytes).toBeGreaterThan(PDF.length);
  });

  it('lists URL domains of the text and HTML parts (href, src, bare URLs)', () => {
    expect(m.urls).toEqual({
      domains: ['example.co.uk', 'example.com', 'example.net'],
      ipHosts: ['192.0.2.1'],
      urlCount: 4,
      omitted: 0,
    });
  });

  it('a file stored with LF line ends: +1 byte per line on the wire, same parts', () => {
    const lf = Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const p = parseMessageBytes(lf);
    expect(p.wire.lineEnding).toBe('lf');
    expect(p.wire.bytes).toBe(lf.length);
    expect(p.wire.wireBytes).toBe(bytes.length);
    expect(p.wire.lfLines).toBe(bytes.length - lf.length);
    expect(p.wire.bareLf).toBe(0);
    expect(p.wire.headerWireBytes).toBe(m.wire.headerBytes);
    expect(p.mime.parts.map((x) => x.wireBytes)).toEqual(m.mime.parts.map((x) => x.wireBytes));
    expect(p.attachments[0]!.content().equals(PDF)).toBe(true);
  });
});

describe('parseMessage: URL domains, bounded', () => {
  const html = (body: string) =>
    parseMessageBytes(crlf(...GOOD_HEADER, 'Content-Type: text/html; charset=utf-8', '', body)).urls;

  it('100,000 unclosed href quotes scan in linear time', () => {
    const t0 = performance.now();
    const urls = html(`${'<a href="https://x.example.com/'.repeat(100_000)}`);
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(urls.domains).toEqual(['example.com']);
  });

  it('lists at most MAX_URL_DOMAINS domains and counts the rest', () => {
    const links = Array.from({ length: 600 }, (_, i) => `<a href="https://d${i}.test-${i}.com/">x</a>`).join(
      '\r\n',
    );
    const urls = html(links);
    expect(urls.domains.length).toBe(500);
    expect(urls.omitted).toBe(100);
    expect(urls.urlCount).toBe(600);
  });

  it('quoted-printable HTML is decoded before scanning; attachments are not scanned', () => {
    const m = parseMessageBytes(
      crlf(
        ...GOOD_HEADER,
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/html',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<a href=3D"https://news.exam=',
        'ple.org/">x</a>',
        '--b',
        'Content-Type: text/html; name=page.html',
        'Content-Disposition: attachment; filename=page.html',
        '',
        '<a href="https://not-scanned.example.net/">x</a>',
        '--b--',
      ),
    );
    expect(m.urls.domains).toEqual(['example.org']);
  });
});

describe('parseMessage: RFC 2231 and RFC 2047 file names', () => {
  it.each([
    ["attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf", 'naïve résumé.pdf'],
    ["attachment; filename*0*=UTF-8''na%C3%AF; filename*1=ve.pdf", 'naïve.pdf'],
    ['attachment; filename="=?UTF-8?B?w6l0w6kucGRm?="', 'été.pdf'],
    ['attachment; filename="a \\"b\\".pdf"', 'a "b".pdf'],
  ])('Content-Disposition %s -> %s', (cd, name) => {
    const m = parseMessageBytes(
      crlf(
        ...GOOD_HEADER,
        'Content-Type: application/pdf',
        `Content-Disposition: ${cd}`,
        'Content-Transfer-Encoding: base64',
        '',
        'JVBERg==',
      ),
    );
    expect(m.attachments[0]?.filename).toBe(name);
    expect(m.attachments[0]?.content().toString()).toBe('%PDF');
  });
});

describe('parseMessage: wire faults', () => {
  it('RFC 5322 2.3: NUL bytes, bare CR and bare LF are counted with their line', () => {
    const m = parseMessageBytes(
      Buffer.from(`${GOOD_HEADER.join('\r\n')}\r\n\r\nnul\0here\r\nbare\rcr\r\nbare lf\nend\r\n`, 'latin1'),
    );
    expect(m.wire.nulBytes).toBe(1);
    expect(m.wire.nulExamples[0]?.line).toBe(8);
    expect(m.wire.bareCr).toBe(1);
    expect(m.wire.bareCrExamples[0]?.line).toBe(9);
    expect(m.wire.lineEnding).toBe('mixed');
    expect(m.wire.bareLf).toBe(1);
    expect(m.wire.wireBytes).toBe(m.wire.bytes + 1);
  });

  it('raw 8-bit bytes in a header field are flagged', () => {
    const m = parseMessageBytes(crlf(...GOOD_HEADER, 'X-Note: caf\xe9', '', 'x'));
    expect(m.header.fields.find((f) => f.key === 'x-note')?.eightBit).toBe(true);
    expect(m.header.fields.filter((f) => f.eightBit)).toHaveLength(1);
  });

  it('header injection: a stray line without a colon is malformed, an injected Bcc is a second field', () => {
    const m = parseMessageBytes(
      crlf(...GOOD_HEADER, 'Subject: hi', 'Bcc: victim@example.net', 'injected text', '', 'x'),
    );
    expect(m.header.counts['subject']).toBe(2);
    expect(m.header.counts['bcc']).toBe(1);
    expect(m.header.malformed).toEqual([
      { line: 9, offset: expect.any(Number), length: 13, text: 'injected text', reason: 'no-colon' },
    ]);
  });

  it('RFC 5322 2.2.3: folded values measure folded and unfolded, with line lengths', () => {
    const m = parseMessageBytes(
      crlf(...GOOD_HEADER, `X-Long: ${'a'.repeat(100)}`, ` ${'b'.repeat(1000)}`, '', 'x'),
    );
    const f = m.header.fields.find((x) => x.key === 'x-long')!;
    expect(f.lineCount).toBe(2);
    expect(f.longestLine).toBe(1001);
    expect(f.valueBytes).toBe(1 + 100 + 2 + 1001);
    expect(f.unfoldedValueBytes).toBe(1 + 100 + 1001);
    expect(f.value).toBe(`${'a'.repeat(100)} ${'b'.repeat(1000)}`);
  });

  it('100,000 header fields parse in linear time', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `X-H${i % 7}: value ${i}`);
    const bytes = crlf(...GOOD_HEADER, ...lines, '', 'body');
    const t0 = performance.now();
    const m = parseMessageBytes(bytes);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(m.header.fieldCount).toBe(100_006);
    expect(m.header.counts['x-h0']).toBe(14_286);
    expect(m.fields.from?.valid).toBe(true);
  });
});

describe('parseMessage: MIME structure problems (RFC 2045, RFC 2046)', () => {
  const multipart = (ct: string, ...body: string[]) =>
    crlf(...GOOD_HEADER, `Content-Type: ${ct}`, '', ...body);

  it('multipart without boundary', () => {
    const m = parseMessageBytes(multipart('multipart/mixed', '--x', '', 'a', '--x--'));
    expect(m.mime.problems).toEqual([
      { kind: 'multipart-without-boundary', part: '', detail: 'multipart/mixed has no boundary parameter' },
    ]);
  });

  it('unterminated multipart: the last part runs to the end', () => {
    const bytes = multipart(
      'multipart/mixed; boundary=b1',
      '--b1',
      'Content-Type: text/plain',
      '',
      'cut short',
    );
    const m = parseMessageBytes(bytes);
    expect(m.mime.problems.map((p) => p.kind)).toEqual(['unterminated-multipart']);
    const part = m.mime.parts[1]!;
    expect(part.offset + part.bytes).toBe(bytes.length);
  });

  it('an inner multipart closed by its parent is unterminated', () => {
    const m = parseMessageBytes(
      multipart(
        'multipart/mixed; boundary=outer',
        '--outer',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        '',
        'a',
        '--outer--',
      ),
    );
    expect(m.mime.problems).toEqual([
      {
        kind: 'unterminated-multipart',
        part: '1',
        detail: 'the boundary "inner" is never closed before its parent\'s next boundary',
      },
    ]);
  });

  it('unknown and multipart transfer encodings; base64 with invalid characters', () => {
    const m = parseMessageBytes(
      multipart(
        'multipart/mixed; boundary=b',
        '--b',
        'Content-Transfer-Encoding: x-uuencode',
        '',
        'begin 644 a',
        '--b',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        'QUJD!!!RA==',
        '--b--',
      ),
    );
    expect(m.mime.problems.map((p) => [p.kind, p.part])).toEqual([
      ['unknown-transfer-encoding', '1'],
      ['invalid-base64', '2'],
    ]);
    expect(m.mime.problems[1]!.detail).toMatch(/^3 characters outside the base64 alphabet/);
  });

  it('a multipart with base64 transfer encoding (RFC 2045 6.4)', () => {
    const m = parseMessageBytes(
      crlf(
        ...GOOD_HEADER,
        'Content-Type: multipart/mixed; boundary=b',
        'Content-Transfer-Encoding: base64',
        '',
        '--b',
        '',
        'a',
        '--b--',
      ),
    );
    expect(m.mime.problems.map((p) => p.kind)).toContain('encoded-multipart');
  });

  it(`1,000-deep nesting stops at ${MAX_MIME_DEPTH} levels, fast`, () => {
    const depth = 1_000;
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i++) {
      open.push(`--b${i}`, `Content-Type: multipart/mixed; boundary=b${i + 1}`, '');
      close.unshift(`--b${i}--`);
    }
    const bytes = multipart(
      'multipart/mixed; boundary=b0',
      ...open,
      '--b1000',
      '',
      'leaf',
      '--b1000--',
      ...close,
    );
    const t0 = performance.now();
    const m = parseMessageBytes(bytes);
    expect(performance.now() - t0).toBeLessThan(2_000);
    // The multipart at depth MAX_MIME_DEPTH is recorded but read as a leaf.
    expect(m.mime.maxDepth).toBe(MAX_MIME_DEPTH);
    expect(m.mime.problems.map((p) => p.kind)).toEqual(['nesting-too-deep']);
  });

  it(`more than ${MAX_MIME_PARTS} parts: the rest are counted, not recorded`, () => {
    const parts = Array.from({ length: MAX_MIME_PARTS + 10 }, () => ['--b', '', 'x']).flat();
    const m = parseMessageBytes(multipart('multipart/mixed; boundary=b', ...parts, '--b--'));
    expect(m.mime.parts.length).toBe(MAX_MIME_PARTS);
    expect(m.mime.partCount).toBe(MAX_MIME_PARTS + 11);
    expect(m.mime.problems.map((p) => p.kind)).toEqual(['too-many-parts']);
  });

  it('message/rfc822 is walked into', () => {
    const m = parseMessageBytes(
      multipart(
        'multipart/mixed; boundary=b',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'Subject: inner',
        'Content-Type: application/zip; name=a.zip',
        'Content-Transfer-Encoding: base64',
        '',
        'UEsFBg==',
        '--b--',
      ),
    );
    expect(m.mime.parts.map((p) => `${p.path}:${p.contentType}`)).toEqual([
      ':multipart/mixed',
      '1:message/rfc822',
      '1.1:application/zip',
    ]);
    expect(m.attachments.map((a) => a.filename)).toEqual(['a.zip']);
    expect(m.attachments[0]!.content().toString('latin1')).toBe('PK\x05\x06');
  });
});

/** A message of `total` bytes made on the fly: header, then base64 lines of one attachment. */
function* hugeMessage(total: number): Generator<Buffer> {
  yield crlf(
    ...GOOD_HEADER,
    'Content-Type: multipart/mixed; boundary=big',
    '',
    '--big',
    'Content-Type: text/plain',
    '',
    'See the catalogue: https://shop.example.com/',
    '--big',
    'Content-Type: application/pdf; name=catalogue.pdf',
    'Content-Disposition: attachment; filename=catalogue.pdf',
    'Content-Transfer-Encoding: base64',
    '',
  );
  const line = Buffer.from(`${'QUJD'.repeat(19)}\r\n`);
  const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
  for (let sent = 0; sent < total; sent += block.length) yield Buffer.from(block);
  yield crlf('--big--');
}

describe('parseMessage: a streamed 40 MB message', () => {
  it('is measured and decodable with bounded memory', async () => {
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const size = 40 * 1024 * 1024;
    const m = await parseMessage(Readable.from(hugeMessage(size)), { fileName: 'big.eml' });
    const attachment = m.attachments[0]!;
    const decoded = attachment.content();
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(timer);
    expect(m.wire.bytes).toBeGreaterThan(size);
    expect(m.wire.wireBytes).toBe(m.wire.bytes);
    expect(attachment.filename).toBe('catalogue.pdf');
    expect(attachment.wireBytes).toBeGreaterThan(size);
    // 78-byte lines of 76 base64 characters, the last CRLF belonging to the boundary.
    expect(decoded.length).toBe(((attachment.encodedBytes + 2) / 78) * 57);
    expect(m.urls.domains).toEqual(['example.com']);
    // 3x the message plus 150 MB (issue 10), measured as RSS growth.
    expect(peak - before).toBeLessThan(3 * m.wire.bytes + 150 * 1024 * 1024);
  }, 60_000);
});
