/**
 * RFC 8463 Appendix A: the example message signed twice, with Ed25519-SHA256 (selector brisbane)
 * and RSA-SHA256 (selector test, a 1024-bit key), both keys served by the loopback DNS lab as
 * A.2 publishes them (the RSA record split into four character-strings). Both signatures verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDkimSignatures } from '../../../checks/dkim-signature/collect.js';
import { dkimSignatureCheck } from '../../../checks/dkim-signature/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

/** RFC 8463 A.3, line for line (CRLF line ends added). */
const SIGNED = [
  'DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;',
  ' d=football.example.com; i=@football.example.com;',
  ' q=dns/txt; s=brisbane; t=1528637909; h=from : to :',
  ' subject : date : message-id : from : subject : date;',
  ' bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;',
  ' b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus',
  ' Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==',
  'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;',
  ' d=football.example.com; i=@football.example.com;',
  ' q=dns/txt; s=test; t=1528637909; h=from : to : subject :',
  ' date : message-id : from : subject : date;',
  ' bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;',
  ' b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3',
  ' DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz',
  ' dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=',
  'From: Joe SixPack <joe@football.example.com>',
  'To: Suzie Q <suzie@shopping.example.net>',
  'Subject: Is dinner ready?',
  'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)',
  'Message-ID: <20030712040037.46341.5F8J@football.example.com>',
  '',
  'Hi.',
  '',
  'We lost the game.  Are you hungry yet?',
  '',
  'Joe.',
  '',
].join('\r\n');

const target: Target = { domain: 'football.example.com', ips: [], profile: 'bulk' };

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(
    [
      'brisbane._domainkey.football.example.com: {TXT: "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}',
      'test._domainkey.football.example.com: {TXT: [["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR", "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC", "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3", "Ip3G+2kryOTIKT+l/K4w3QIDAQAB"]]}',
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab.stop();
});

async function judge(bytes: Buffer) {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 500, tries: 2 });
  const evidence = await collectDkimSignatures(
    { bytes, fromDomain: 'football.example.com' },
    { probe, signal: new AbortController().signal },
  );
  return { evidence, keys: dkimSignatureCheck.judge(evidence, target).map((f) => f.key) };
}

describe('RFC 8463 Appendix A', () => {
  it('A.3: the Ed25519-SHA256 and the RSA-SHA256 signatures both verify with the A.2 keys', async () => {
    const { evidence } = await judge(Buffer.from(SIGNED, 'latin1'));
    expect(
      evidence.signatures.map((s) => [s.selector, s.algorithm, s.verdict?.status, s.alignedWithFrom]),
    ).toEqual([
      ['brisbane', 'ed25519-sha256', 'pass', true],
      ['test', 'rsa-sha256', 'pass', true],
    ]);
  });

  it('A.3 with the body changed: both fail on the body hash', async () => {
    const { evidence, keys } = await judge(Buffer.from(SIGNED.replace('hungry', 'thirsty'), 'latin1'));
    expect(evidence.signatures.map((s) => s.verdict?.status)).toEqual(['fail', 'fail']);
    expect(keys).toContain('all-fail');
  });
});
