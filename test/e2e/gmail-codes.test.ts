import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { audit, createDnsProbe } from '../../src/index.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { Report } from '../../src/report.js';

const ZONE = readFileSync(new URL('../fixtures/zones/gmail-codes.yaml', import.meta.url), 'utf8');
const DEMO = readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8');

function gmailReplies(report: Report): Set<string> {
  return new Set(
    report.predictedReplies.filter((r) => r.provider === 'gmail').map((r) => `${r.code} ${r.enhanced}`),
  );
}

describe('predicted replies end to end (issue 3)', () => {
  let lab: LabHandle;
  let demo: LabHandle;
  beforeAll(async () => {
    lab = await startLab(ZONE);
    demo = await startLab(DEMO);
  });
  afterAll(async () => {
    await lab.stop();
    await demo.stop();
  });

  it('a fully clean identity gets no findings above info and no predicted replies at all', async () => {
    const probe = createDnsProbe({ servers: [demo], timeoutMs: 500, tries: 1 });
    const report = await audit(
      { domain: 'good.example', ips: ['127.0.77.10'], helo: 'mail.good.example', dkimSelectors: ['s1'] },
      { probe },
    );
    expect(validateReport(report).errors).toEqual([]);
    expect(report.status).toBe('pass');
    expect(report.predictedReplies).toEqual([]);
    const findings = Object.values(report.checks).flatMap((c) => c.findings);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.authentication?.dmarcPass).toBe(true);
  });

  it('one identity hits every Gmail code that can co-occur, the other the remaining two', async () => {
    const probe = createDnsProbe({ servers: [lab], timeoutMs: 500, tries: 1 });
    const everything = await audit(
      { domain: 'everything.example', ips: ['192.0.2.200', '2001:db8::200'], dkimSelectors: ['weak'] },
      { probe },
    );
    expect(validateReport(everything).errors).toEqual([]);
    const got = gmailReplies(everything);
    for (const code of [
      '421 4.7.0', // no PTR
      '451 4.7.23', // no PTR
      '550 5.7.25', // no PTR, permanent form
      '550 5.7.1', // IPv6 without PTR
      '421 4.7.26', // neither SPF nor DKIM passes
      '550 5.7.26',
      '421 4.7.27', // SPF cannot pass (bulk)
      '550 5.7.27',
      '421 4.7.30', // DKIM cannot pass (bulk)
      '550 5.7.30',
      '421 4.7.40', // no DMARC (bulk)
      '550 5.7.40',
      '451 4.7.24', // suspicious SPF: broken include
      '550 5.7.24',
    ]) {
      expect(got, code).toContain(code);
    }
    const unaligned = await audit(
      {
        domain: 'unaligned.example',
        ips: ['203.0.113.10'],
        mailFrom: 'bounce.esp.example',
        dkimDomain: 'esp.example',
        dkimSelectors: ['s1'],
      },
      { probe },
    );
    expect(validateReport(unaligned).errors).toEqual([]);
    const got2 = gmailReplies(unaligned);
    expect(got2).toContain('421 4.7.32'); // From not aligned
    expect(got2).toContain('451 4.7.26'); // DMARC lookup failed temporarily
    expect(unaligned.checks.alignment?.findings.map((f) => f.id)).toContain('alignment/not-aligned');
    expect(unaligned.checks.dmarc?.status).toBe('unknown');
  });

  it('the transactional profile drops the bulk-only replies', async () => {
    const probe = createDnsProbe({ servers: [lab], timeoutMs: 500, tries: 1 });
    const report = await audit(
      {
        domain: 'everything.example',
        ips: ['192.0.2.200'],
        dkimSelectors: ['weak'],
        profile: 'transactional',
      },
      { probe },
    );
    const got = gmailReplies(report);
    expect(got).not.toContain('421 4.7.27');
    expect(got).not.toContain('421 4.7.40');
    expect(got).toContain('421 4.7.26');
    expect(report.predictedReplies.every((r) => !r.bulkOnly)).toBe(true);
  });
});
