/** reports/bounces-text.ts: what the text shows, in which order, and that nothing from a bounce drives the terminal. */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, MAX_ROWS, PROSE_LINE_CHARS, renderBouncesText } from '../../reports/bounces-text.js';
import type { BounceAudit } from '../../src/bounce/audit.js';
import type { ReadSummary } from '../../src/bounce/read/index.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';

function record(overrides: Partial<BounceRecord> = {}): BounceRecord {
  return {
    source: { path: 'maillog', line: 1 },
    kind: 'postfix-log',
    recipient: 'a@gmail.com',
    action: 'delayed',
    status: '4.7.28',
    replyCode: 421,
    diagnostic: '421 4.7.28 unusual rate of unsolicited mail',
    remoteMta: 'gmail-smtp-in.l.google.com',
    time: '2024-03-01T08:00:00Z',
    sender: 'news@shop.example',
    ...overrides,
  };
}

/** No C0/C1 control, DEL or bidi/invisible format character. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('renderBouncesText', () => {
  it('shows a wave with its start, size, rule and fix', async () => {
    const records = [record({ time: '2024-03-01T06:00:00Z' }), record({ time: '2024-03-01T14:00:00Z' })];
    for (let i = 0; i < 25; i++)
      records.push(record({ time: `2024-03-01T10:${String(i).padStart(2, '0')}:00Z` }));
    const text = renderBouncesText(await triageBounces(records));
    expect(text).toMatch(
      /^ {2}2024-03-01T10:00:00\.000Z: 25 x gmail 421 4\.7\.28 reputation until 2024-03-01T10:24:00\.000Z \(peak 25 per window, baseline 0\)$/m,
    );
    expect(text).toMatch(/^ {6}fix: Pause, lower the rate, check complaints/m);
    expect(text).toMatch(/^ {2}Rule: A wave is a run of consecutive 60-minute windows/m);
    const rule = text.split('\n').slice(text.split('\n').indexOf('Waves:') + 1, -1);
    expect(rule[0]).toMatch(/^ {2}Rule: /);
    expect(rule[1]).toMatch(/^ {2}\S/);
    for (const line of rule.slice(0, 2)) expect(line.length).toBeLessThanOrEqual(PROSE_LINE_CHARS + 2);
  });

  it('escapes every string from a bounce and bounds every line', async () => {
    const hostile = `\u001b]0;owned\u0007\u001b[2J 550 5.1.1 \u202e${'x'.repeat(5_000)}`;
    const t = await triageBounces([
      record({
        status: '5.1.1',
        replyCode: 550,
        diagnostic: hostile,
        sender: 'x@\u001b[31mred\u009b.example',
        action: 'failed',
      }),
    ]);
    const read: ReadSummary = {
      files: 1,
      records: 1,
      lines: 1,
      problems: 1,
      problemsByKind: { unreadable: 1 },
      examples: [{ kind: 'unreadable', path: 'dir/\u001b[1mbold\r\n.log', detail: 'EACCES\u2066' }],
    };
    const text = renderBouncesText({ ...t, read });
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('\\x1b]0;owned\\x07\\x1b[2J');
    expect(text).toMatch(/^ {5}1 {2}\\x1b\[31mred\S*\.example \(1 permanent\)/m);
    expect(text).toContain('dir/\\x1b[1mbold\\r\\n.log: EACCES\\u2066');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
  });

  it('lists at most MAX_ROWS rows per list and says how many more the JSON has', async () => {
    const records = Array.from({ length: MAX_ROWS + 5 }, (_, i) =>
      record({ sender: `n@d${i}.example`, time: null }),
    );
    const text = renderBouncesText(await triageBounces(records));
    expect(text).toContain('... and 5 more (see --format json)');
    expect(text.match(/^ {5}1 {2}d\d+\.example /gm)).toHaveLength(MAX_ROWS);
    expect(text).toContain(`${MAX_ROWS + 5} bounces without a time: in no wave`);
  });

  it('puts the audit before the readers problems, with a verdict per cause', async () => {
    const t = await triageBounces([record({ status: '4.7.27', diagnostic: '421 4.7.27 SPF did not pass' })]);
    const audit: BounceAudit = {
      maxDomains: 10,
      domains: [
        {
          domain: 'shop.example',
          bounces: 1,
          checks: { spf: 'fail', ptr: 'skipped' },
          skipped: { ptr: 'no sending IP given (--ip)' },
          findings: [
            { id: 'spf/missing', severity: 'error', title: 'No SPF record', remediation: 'Publish one.' },
          ],
        },
      ],
      omittedDomains: 2,
      causes: [
        {
          kind: 'category',
          category: 'authentication',
          bounces: 1,
          domain: 'shop.example',
          verdict: 'explained',
          findings: ['spf/missing'],
          checks: ['spf'],
        },
        {
          kind: 'category',
          category: 'ptr',
          bounces: 1,
          domain: 'shop.example',
          verdict: 'not-run',
          findings: [],
          checks: ['ptr'],
          note: 'ptr: no sending IP given (--ip)',
        },
      ],
      omittedWaves: 0,
      bouncesWithoutDomain: 3,
      messageChecks: [{ category: 'message-too-big', checks: ['message-size'] }],
    };
    const read: ReadSummary = {
      files: 1,
      records: 1,
      lines: 1,
      problems: 0,
      problemsByKind: {},
      examples: [],
    };
    const text = renderBouncesText({ ...t, audit, read });
    expect(text).toContain(
      '  shop.example (1 linked bounce): spf fail, ptr skipped\n      error spf/missing: No SPF record\n',
    );
    expect(text).toContain(
      '  category authentication from shop.example (1 bounce): explained by spf/missing\n',
    );
    expect(text).toContain(
      '  category ptr from shop.example (1 bounce): not run (ptr: no sending IP given (--ip))\n',
    );
    expect(text).toContain('  2 more domains not audited\n');
    expect(text).toContain('3 linked bounces name no sending domain');
    expect(text).toContain(
      '  message-too-big: message-size need the message: run mail-preflight message on a sample\n',
    );
    expect(text.indexOf('Audit of the sending domains')).toBeLessThan(text.indexOf('\nRead: 1 file'));
    expect(text.indexOf('Waves:')).toBeLessThan(text.indexOf('Audit of the sending domains'));
  });

  it('says the setup looks fine when the linked checks find nothing', async () => {
    const t = await triageBounces([record()]);
    const text = renderBouncesText({
      ...t,
      audit: {
        maxDomains: 10,
        domains: [],
        omittedDomains: 0,
        causes: [
          {
            kind: 'wave',
            category: 'authentication',
            provider: 'gmail',
            replyCode: 421,
            status: '4.7.27',
            start: '2024-03-01T10:00:00.000Z',
            bounces: 30,
            domain: 'shop.example',
            verdict: 'looks-fine',
            findings: [],
            checks: ['spf'],
          },
        ],
        omittedWaves: 0,
        bouncesWithoutDomain: 0,
        messageChecks: [],
      },
    });
    expect(text).toContain(
      '  wave 2024-03-01T10:00:00.000Z gmail 421 4.7.27 authentication from shop.example (30 bounces): ' +
        'the setup looks fine now',
    );
  });
});
