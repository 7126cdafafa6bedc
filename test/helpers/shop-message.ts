/**
 * The sample sender of the message tests: shop.example, its DNS for the loopback lab (SPF for
 * 192.0.2.10, DMARC p=reject, the DKIM key at s1) and a message signed with that key.
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { healthyBlocklistsYaml } from './blocklists.js';

/** A fresh RSA key pair: the private half signs, the lab serves the public half at s1. */
export function shopKey(): { publicKey: string; privateKey: string } {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey: key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** The lab zone of shop.example (YAML) serving `publicKey` at s1._domainkey. */
export function shopZone(publicKey: string): string {
  return [
    'shop.example:',
    '  SOA: "ns.shop.example hostmaster.shop.example 1 7200 3600 1209600 300"',
    '  MX: "10 mx.shop.example"',
    '  TXT: "v=spf1 ip4:192.0.2.10 -all"',
    'mx.shop.example: {A: 192.0.2.25}',
    'bounce.shop.example: {TXT: "v=spf1 ip4:192.0.2.10 -all", MX: "10 mx.shop.example"}',
    '_dmarc.shop.example: {TXT: "v=DMARC1; p=reject; rua=mailto:d@shop.example"}',
    `s1._domainkey.shop.example: {TXT: [["v=DKIM1; k=rsa; p=", "${publicKey}"]]}`,
    '10.2.0.192.in-addr.arpa: {PTR: out.shop.example}',
    'out.shop.example: {A: 192.0.2.10}',
    healthyBlocklistsYaml(),
  ].join('\n');
}

/**
 * The Winter sale message from news@shop.example, Return-Path bounce@bounce.shop.example, with an
 * https List-Unsubscribe, signed by d=shop.example s=1 over every header (nodemailer's default).
 * `extra` replaces fields of the mail (headers replaces all extra headers).
 */
export async function signedShopMessage(
  privateKey: string,
  extra: Record<string, unknown> = {},
): Promise<Buffer> {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: 'shop.example', keySelector: 's1', privateKey },
  });
  const info = await transport.sendMail({
    from: 'Shop <news@shop.example>',
    to: 'reader@example.net',
    subject: 'Winter sale',
    text: 'Everything must go: https://shop.example/sale',
    envelope: { from: 'bounce@bounce.shop.example', to: 'reader@example.net' },
    headers: { 'Return-Path': '<bounce@bounce.shop.example>' },
    list: { unsubscribe: { url: 'https://shop.example/u/1', comment: 'Unsubscribe' } },
    ...extra,
  });
  return info.message as Buffer;
}
