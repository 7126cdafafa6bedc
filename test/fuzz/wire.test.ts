/**
 * The DNS wire decoder (RFC 1035 4.1): responses built by an independent encoder (dns-packet)
 * decode to what was encoded; damaged and random packets never throw and never loop.
 */
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RRType } from '../../src/probe/types.js';
import {
  decodeRecord,
  encodeName,
  encodeQuery,
  parseResponse,
  RR_TYPE_CODES,
  readCnameTarget,
  readName,
} from '../../src/probe/wire.js';
import { bounded, fuzz } from './runs.js';

const TYPES = Object.keys(RR_TYPE_CODES) as RRType[];
const QNAME = 'example.com';
const ID = 0x1234;

function queryFor(type: RRType): Buffer {
  const qname = encodeName(QNAME);
  if (typeof qname === 'string') throw new Error(qname);
  return encodeQuery(ID, qname, RR_TYPE_CODES[type]);
}

/** Decodes every answer as every type: none may throw. */
function decodeAll(buf: Buffer, query: Buffer): ReturnType<typeof parseResponse> {
  const parsed = bounded(() => parseResponse(buf, query));
  if (typeof parsed === 'object')
    for (const rr of parsed.answers) {
      expect(rr.rdataOffset + rr.rdlength).toBeLessThanOrEqual(buf.length);
      readCnameTarget(buf, rr);
      for (const t of TYPES) decodeRecord(buf, rr, t);
    }
  return parsed;
}

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
type Answer = { type: string; name: string; ttl: number; data: unknown };
const answer: fc.Arbitrary<Answer> = fc.oneof(
  fc.ipV4().map((data) => ({ type: 'A', name: QNAME, ttl: 60, data })),
  fc.ipV6().map((data) => ({ type: 'AAAA', name: QNAME, ttl: 60, data })),
  fc
    .tuple(fc.nat({ max: 65535 }), hostName)
    .map(([preference, exchange]) => ({ type: 'MX', name: QNAME, ttl: 60, data: { preference, exchange } })),
  fc
    .array(
      fc.uint8Array({ maxLength: 255 }).map((b) => Buffer.from(b)),
      { maxLength: 4 },
    )
    .map((data) => ({ type: 'TXT', name: QNAME, ttl: 60, data })),
  hostName.map((data) => ({ type: 'CNAME', name: QNAME, ttl: 60, data })),
  fc
    .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.uint8Array({ maxLength: 64 }))
    .map(([usage, selector, matchingType, cert]) => ({
      type: 'TLSA',
      name: QNAME,
      ttl: 60,
      data: { usage, selector, matchingType, certificate: Buffer.from(cert) },
    })),
);

function response(type: RRType, answers: Answer[], flags = 0x8180): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: ID,
    flags,
    questions: [{ type, name: QNAME, class: 'IN' }],
    answers,
  } as dnsPacket.Packet);
}

describe('fuzz: DNS wire decoder (RFC 1035 4.1)', () => {
  it('decodes what dns-packet encodes (A, AAAA, MX, TXT, CNAME, TLSA)', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.constantFrom<RRType>('A', 'TXT', 'MX'),
        fc.array(answer, { maxLength: 5 }),
        (qtype, answers) => {
          const query = queryFor(qtype);
          const buf = response(qtype, answers);
          const parsed = decodeAll(buf, query);
          if (typeof parsed !== 'object') throw new Error(`not decoded: ${parsed}`);
          expect(parsed.answers).toHaveLength(answers.length);
          parsed.answers.forEach((rr, i) => {
            const a = answers[i]!;
            const rec = decodeRecord(buf, rr, a.type as RRType);
            if (typeof rec === 'string') throw new Error(rec);
            if (a.type === 'A' || a.type === 'CNAME') expect(rec.data).toBe(a.data);
            if (a.type === 'AAAA') {
              // The same address, in RFC 5952 4.2.3 text (the longest zero run compressed):
              // dns-packet compresses the first run, so its text is put through the WHATWG URL
              // serializer, which follows RFC 5952 as our formatter does.
              const theirs = String((dnsPacket.decode(buf).answers![i] as { data: unknown }).data);
              expect(rec.data).toBe(new URL(`http://[${theirs}]/`).hostname.slice(1, -1));
            }
            if (a.type === 'MX') expect(rec.data).toEqual(a.data);
            if (a.type === 'TXT')
              expect(rec.data).toEqual((a.data as Buffer[]).map((b) => b.toString('utf8')));
            if (a.type === 'TLSA') {
              const t = a.data as {
                usage: number;
                selector: number;
                matchingType: number;
                certificate: Buffer;
              };
              expect(rec.data).toEqual({
                usage: t.usage,
                selector: t.selector,
                matchingType: t.matchingType,
                data: t.certificate.toString('hex'),
              });
            }
          });
        },
      ),
    );
  });

  it('damaged responses (flipped, cut and grown bytes) never throw', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.constantFrom<RRType>('A', 'TXT', 'MX', 'TLSA'),
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 32 }),
        (qtype, answers, flips, cut, extra) => {
          const b = Buffer.from(response(qtype, answers));
          for (const [at, v] of flips) b[at % b.length] = v;
          const damaged = Buffer.concat([b.subarray(0, cut % (b.length + 1)), extra]);
          decodeAll(damaged, queryFor(qtype));
        },
      ),
    );
  });

  it('random bytes after our question never throw; names read from any offset end', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat({ max: 10 }), (tail, ancount) => {
        const query = queryFor('A');
        const head = Buffer.from(query.subarray(0, query.length - 11)); // header + question, no OPT
        head.writeUInt16BE(0x8180, 2);
        head.writeUInt16BE(ancount, 6);
        const buf = Buffer.concat([head, tail]);
        decodeAll(buf, query);
        for (let at = 0; at < buf.length; at += 7) {
          const n = bounded(() => readName(buf, at));
          if (n) expect(n.next).toBeGreaterThan(at);
        }
      }),
    );
  });
});
