/**
 * dkim-signature end to end through the probe: messages signed in the test, the public key
 * served by the loopback DNS lab; a key lookup that times out is unknown, not "no key".
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDkimSignatures } from '../../../checks/dkim-signature/collect.js';
import { dkimSignatureCheck } from '../../../checks/dkim-signature/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const privateKey = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const target: Target = { domain: 'shop.example', ips: [], profile: 'bulk' };

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(
    [
      `s1._domainkey.shop.example: {TXT: [["v=DKIM1; k=rsa; p=", "${publicKey}"]]}`,
      's2._domainkey.shop.example: TIMEOUT',
      'shop.example: {SOA: "ns.shop.example hostmaster.shop.example 1 7200 3600 1209600 300"}',
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab.stop();
});

async function signed(
  selector: string,
  extra: Record<string, unknown> = {},
  skipFields?: string,
): Promise<Buffer> {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: {
      domainName: 'shop.example',
      keySelector: selector,
      privateKey,
      ...(skipFields ? { skipFields } : {}),
    },
  });
  const info = await transport.sendMail({
    from: 'Shop <news@shop.example>',
    to: 'reader@example.net',
    subject: 'Winter sale',
    text: 'Everything must go.',
    ...extra,
  });
  return info.message as Buffer;
}

async function judge(bytes: Buffer) {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 250, tries: 1 });
  const evidence = await collectDkimSignatures(
    { bytes, fromDomain: 'shop.example' },
    { probe, signal: new AbortController().signal },
  );
  return { evidence, keys: dkimSignatureCheck.judge(evidence, target).map((f) => f.key) };
}

describe('dkim-signature against the lab DNS server', () => {
  it('a signature whose key the lab serves verifies; the evidence names the key looked up', async () => {
    const { evidence, keys } = await judge(await signed('s1'));
    expect(keys).toEqual([]);
    expect(evidence.signatures[0]).toMatchObject({
      domain: 'shop.example',
      selector: 's1',
      key: { name: 's1._domainkey.shop.example', kind: 'ok' },
      verdict: { status: 'pass', keyBits: 2048 },
      alignedWithFrom: true,
    });
  });

  it('the same message changed after signing fails, with the reason', async () => {
    const bytes = Buffer.from(
      (await signed('s1')).toString('latin1').replace('Everything', 'Nothing'),
      'latin1',
    );
    const { keys, evidence } = await judge(bytes);
    expect(keys).toEqual(['all-fail']);
    expect(evidence.signatures[0]?.verdict?.reason).toBe('body hash did not verify');
  });

  it('a selector that does not exist is a permanent failure (no key record)', async () => {
    const { keys, evidence } = await judge(await signed('missing'));
    expect(keys).toEqual(['all-fail']);
    expect(evidence.signatures[0]).toMatchObject({
      key: { kind: 'nxdomain' },
      verdict: { status: 'permerror' },
    });
  });

  it('a key lookup that times out is unknown, never a failure', async () => {
    const { keys, evidence } = await judge(await signed('s2'));
    expect(keys).toEqual(['key-unknown']);
    expect(evidence.signatures[0]?.key).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(evidence.signatures[0]?.verdict).toBeUndefined();
  });

  it('List-Unsubscribe-Post present but left out of h= by the signer is reported (RFC 8058 3.2)', async () => {
    const bytes = await signed(
      's1',
      {
        list: { unsubscribe: { url: 'https://shop.example/u/1', comment: 'Unsubscribe' } },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      },
      'List-Unsubscribe-Post',
    );
    const { keys, evidence } = await judge(bytes);
    expect(evidence.signatures[0]?.verdict?.status).toBe('pass');
    expect(evidence.signatures[0]?.unsignedPresent).toEqual(['list-unsubscribe-post']);
    expect(keys).toEqual(['unsigned-headers']);
  });
});
