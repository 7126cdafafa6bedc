/**
 * --audit (src/bounce/audit.ts) against the loopback lab: a Gmail wave of `421 4.7.27` (SPF did
 * not pass) for a domain whose SPF is broken is explained by the spf findings the audit reports;
 * the same bounces for a domain whose SPF is fine say that the setup looks fine now.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBounces } from '../../reports/schema.js';
import {
  auditBounces,
  CauseDomainTracker,
  linkedChecks,
  MAX_AUDITED_DOMAINS,
} from '../../src/bounce/audit.js';
import { triageBounces } from '../../src/bounce/triage.js';
import { triageBounceFiles } from '../../src/bounce/triage-files.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';

/** broken.example publishes two SPF records (RFC 7208 4.5: permerror); fine.example one good one. */
const ZONE = {
  'broken.example': { TXT: ['v=spf1 ip4:192.0.2.10 -all', 'v=spf1 ip4:192.0.2.11 -all'] },
  'fine.example': { TXT: 'v=spf1 ip4:192.0.2.10 -all' },
};

const GMAIL = 'gmail-smtp-in.l.google.com[142.250.0.27]';
const SPF_REPLY =
  '421-4.7.27 Your email has been rate limited because SPF authentication did not pass for this message. ' +
  '(in reply to end of DATA command)';

/** A Postfix log line pair (sender, deferral) at `time`, ISO-dated syslog. */
function postfixDeferral(n: number, time: string, sender: string): string {
  const id = `Q${String(n).padStart(8, '0')}`;
  return [
    `${time} mx postfix/qmgr[10]: ${id}: from=<${sender}>, size=900, nrcpt=1 (queue active)`,
    `${time} mx postfix/smtp[11]: ${id}: to=<user${n}@gmail.com>, relay=${GMAIL}:25, delay=1, ` +
      `dsn=4.7.27, status=deferred (host ${GMAIL} said: ${SPF_REPLY})`,
  ].join('\n');
}

function unknownUser(n: number, time: string, sender: string): string {
  const id = `U${String(n).padStart(8, '0')}`;
  return [
    `${time} mx postfix/qmgr[10]: ${id}: from=<${sender}>, size=900, nrcpt=1 (queue active)`,
    `${time} mx postfix/smtp[11]: ${id}: to=<gone${n}@example.net>, relay=mx.example.net[192.0.2.25]:25, ` +
      `delay=1, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.25] said: 550 5.1.1 User unknown)`,
  ].join('\n');
}

/** A quiet morning, a 30-bounce 4.7.27 wave at 10:00 for `sender`, a quiet afternoon. */
function maillog(sender: string): string {
  const lines = [unknownUser(1, '2024-03-01T06:00:00+00:00', sender)];
  for (let i = 0; i < 30; i++)
    lines.push(postfixDeferral(i, `2024-03-01T10:${String(i).padStart(2, '0')}:00+00:00`, sender));
  lines.push(unknownUser(2, '2024-03-01T14:00:00+00:00', sender));
  return `${lines.join('\n')}\n`;
}

let lab: LabHandle;
let dir: string;
beforeAll(async () => {
  lab = await startLab(ZONE);
  dir = mkdtempSync(join(tmpdir(), 'mp-bounce-audit-'));
  writeFileSync(join(dir, 'broken.log'), maillog('news@broken.example'));
  writeFileSync(join(dir, 'fine.log'), maillog('news@fine.example'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

const resolverOptions = () => ({ resolvers: [`${lab.host}:${lab.port}`], timeoutMs: 500, tries: 1 });

describe('bounce audit against the lab', () => {
  it('links the spf findings of a broken domain to its 4.7.27 wave and category', async () => {
    const t = await triageBounceFiles([join(dir, 'broken.log')], { audit: resolverOptions() });
    expect(t.waves.waves).toHaveLength(1);
    expect(t.waves.waves[0]).toMatchObject({ provider: 'gmail', status: '4.7.27', size: 30 });
    const audit = t.audit!;
    expect(audit.domains).toHaveLength(1);
    expect(audit.domains[0]).toMatchObject({
      domain: 'broken.example',
      bounces: 30,
      checks: { spf: 'fail' },
    });
    expect(audit.domains[0]!.findings.map((f) => f.id)).toContain('spf/multiple-records');
    const wave = audit.causes.find((c) => c.kind === 'wave');
    expect(wave).toMatchObject({
      category: 'authentication',
      provider: 'gmail',
      replyCode: 421,
      status: '4.7.27',
      start: '2024-03-01T10:00:00.000Z',
      domain: 'broken.example',
      bounces: 30,
      verdict: 'explained',
      findings: ['spf/multiple-records'],
      checks: ['spf'],
    });
    const category = audit.causes.find((c) => c.kind === 'category');
    expect(category).toMatchObject({ category: 'authentication', verdict: 'explained' });
    expect(validateBounces(JSON.parse(JSON.stringify(t))).errors).toEqual([]);
  });

  it('says that the setup looks fine now when the linked checks find nothing', async () => {
    const t = await triageBounceFiles([join(dir, 'fine.log')], { audit: resolverOptions() });
    expect(t.audit!.domains[0]).toMatchObject({ domain: 'fine.example', checks: { spf: 'pass' } });
    expect(t.audit!.causes.map((c) => [c.kind, c.verdict])).toEqual([
      ['wave', 'looks-fine'],
      ['category', 'looks-fine'],
    ]);
  });

  it('says a check did not measure when the DNS does not answer', async () => {
    const t = await triageBounceFiles([join(dir, 'broken.log')], {
      audit: { resolvers: ['127.0.0.1:9'], timeoutMs: 100, tries: 1 },
    });
    const verdicts = t.audit!.causes.map((c) => c.verdict);
    expect(verdicts).toEqual(['not-measured', 'not-measured']);
    expect(t.audit!.causes[0]!.note).toMatch(/could not measure: spf/);
  });
});

function record(sendingDomain: string, status: string, replyCode: number): BounceRecord {
  return {
    source: { path: 'x' },
    kind: 'postfix-log',
    recipient: 'a@gmail.com',
    action: 'delayed',
    status,
    replyCode,
    diagnostic: `${replyCode} ${status} SPF authentication did not pass`,
    remoteMta: 'gmail-smtp-in.l.google.com',
    time: null,
    sender: `news@${sendingDomain}`,
  };
}

describe('what the audit chooses to run', () => {
  it('splits linked checks into domain checks and message checks; alignment brings its inputs', () => {
    expect(linkedChecks(['spf'])).toEqual({ domain: ['spf'], message: [] });
    expect(linkedChecks(['message-size', 'message-headers'])).toEqual({
      domain: [],
      message: ['message-size', 'message-headers'],
    });
    expect(linkedChecks(['spf', 'dkim'], ['alignment/unauthenticated']).domain.sort()).toEqual([
      'alignment',
      'dkim',
      'dmarc',
      'spf',
    ]);
  });

  it('audits at most MAX_AUDITED_DOMAINS sending domains, most linked bounces first', async () => {
    const records: BounceRecord[] = [];
    for (let d = 0; d < MAX_AUDITED_DOMAINS + 3; d++)
      for (let i = 0; i <= d; i++)
        records.push(record(`d${String(d).padStart(2, '0')}.example`, '4.7.27', 421));
    const tracker = new CauseDomainTracker();
    const triage = await triageBounces(records, { onBounce: (b) => tracker.add(b) });
    const audit = await auditBounces(triage, { ...resolverOptions(), causeDomains: tracker });
    expect(audit.domains).toHaveLength(MAX_AUDITED_DOMAINS);
    expect(audit.domains[0]?.domain).toBe(`d${MAX_AUDITED_DOMAINS + 2}.example`);
    expect(audit.omittedDomains).toBe(3);
    // No SPF record at all in the lab for these: spf/missing explains the category.
    expect(audit.causes.every((c) => c.verdict === 'explained' && c.findings.includes('spf/missing'))).toBe(
      true,
    );
  });

  it('names message checks for a sample and counts linked bounces without a sending domain', async () => {
    const big = {
      ...record('x.example', '5.3.4', 552),
      diagnostic: '552 5.3.4 message too big',
      sender: null,
    };
    const spf = { ...record('x.example', '4.7.27', 421), sender: null };
    const triage = await triageBounces([big, spf]);
    const audit = await auditBounces(triage, resolverOptions());
    expect(audit.domains).toEqual([]);
    expect(audit.bouncesWithoutDomain).toBe(1);
    expect(audit.messageChecks).toEqual([
      { category: 'message-too-big', checks: ['message-size', 'message-headers'] },
    ]);
  });

  it('an invalid sending domain from the input is an error of that domain, not a crash', async () => {
    const triage = await triageBounces([record('-bad-.example..', '4.7.27', 421)]);
    const audit = await auditBounces(triage, resolverOptions());
    expect(audit.domains[0]?.error).toBeTruthy();
    expect(audit.causes[0]?.verdict).toBe('not-measured');
  });
});
