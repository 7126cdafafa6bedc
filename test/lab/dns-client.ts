/**
 * Minimal raw DNS client for the lab's tests (independent of src/probe on purpose).
 */

import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';

export interface Ask {
  name: string;
  type: string;
  /** EDNS UDP payload size; omit for no OPT record. */
  edns?: number;
  id?: number;
  rd?: boolean;
}

export function queryPacket(ask: Ask): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: ask.id ?? 4242,
    flags: ask.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: ask.type as dnsPacket.RecordType, name: ask.name }],
    additionals:
      ask.edns === undefined
        ? []
        : [{ type: 'OPT', name: '.', udpPayloadSize: ask.edns } as dnsPacket.Answer],
  });
}

/** Sends raw bytes over UDP; resolves with the raw reply, or 'timeout'. */
export function udpRaw(
  port: number,
  msg: Buffer,
  timeoutMs = 1000,
  host = '127.0.0.1',
): Promise<Buffer | 'timeout'> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve('timeout');
    }, timeoutMs);
    sock.on('message', (reply) => {
      clearTimeout(timer);
      sock.close();
      resolve(reply);
    });
    sock.send(msg, port, host);
  });
}

export async function udpQuery(
  port: number,
  ask: Ask,
  timeoutMs = 1000,
): Promise<(dnsPacket.DecodedPacket & { raw: Buffer; rcode: number }) | 'timeout'> {
  const reply = await udpRaw(port, queryPacket(ask), timeoutMs);
  if (reply === 'timeout') return reply;
  return { ...dnsPacket.decode(reply), raw: reply, rcode: reply.readUInt16BE(2) & 0xf };
}

/** Writes `chunks` to a TCP connection, collects `expect` length-prefixed replies. */
export function tcpExchange(
  port: number,
  chunks: Buffer[],
  expect: number,
  timeoutMs = 1000,
): Promise<{ replies: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let closed = false;
    const sock = net.connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ replies, closed });
    };
    const timer = setTimeout(done, timeoutMs);
    sock.on('connect', () => {
      for (const c of chunks) sock.write(c);
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        replies.push(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
      }
      if (replies.length >= expect) done();
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      closed = true;
      done();
    });
  });
}

export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

export async function tcpQuery(port: number, ask: Ask): Promise<dnsPacket.DecodedPacket & { rcode: number }> {
  const { replies } = await tcpExchange(port, [frame(queryPacket(ask))], 1);
  const reply = replies[0];
  if (!reply) throw new Error('no TCP reply');
  return { ...dnsPacket.decode(reply), rcode: reply.readUInt16BE(2) & 0xf };
}

/** TXT/SPF answer data as strings per record (character-strings joined with '|'). */
export function txtOf(answers: dnsPacket.Answer[] | undefined, type = 'TXT'): string[] {
  return (answers ?? [])
    .filter((a) => a.type === type)
    .map((a) => ((a as { data: Buffer[] }).data as Buffer[]).map((b) => b.toString('latin1')).join('|'));
}

/** SPF (type 99) answers, which dns-packet leaves as raw RDATA, read like txtOf. */
export function spfOf(answers: dnsPacket.Answer[] | undefined): string[] {
  return (answers ?? [])
    .filter((a) => a.type === ('SPF' as string))
    .map((a) => {
      const rdata = (a as { data: Buffer }).data;
      const parts: string[] = [];
      for (let o = 0; o < rdata.length; o += 1 + rdata[o]!)
        parts.push(rdata.subarray(o + 1, o + 1 + rdata[o]!).toString('latin1'));
      return parts.join('|');
    });
}
