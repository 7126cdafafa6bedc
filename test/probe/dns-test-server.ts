/**
 * A tiny scriptable DNS server for the probe's tests (UDP and TCP on one loopback port).
 * Each test says what to answer; the server counts packets and questions in flight.
 */

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export type Transport = 'udp' | 'tcp';

export interface ReceivedQuery {
  transport: Transport;
  id: number;
  /** Question name as received (labels joined by '.'). */
  name: string;
  /** Question type name from dns-packet ('A', 'SPF', 'TLSA', ...). */
  type: string;
  packet: dnsPacket.DecodedPacket;
  raw: Buffer;
}

/** Buffers to send back (several datagrams over UDP), or null for silence. */
export type Handler = (q: ReceivedQuery) => Buffer | Buffer[] | null | Promise<Buffer | Buffer[] | null>;

export interface TestServer {
  host: string;
  port: number;
  address: { host: string; port: number };
  queries: ReceivedQuery[];
  count(transport?: Transport): number;
  maxInFlight: number;
  /** Bytes per TCP write, to exercise the client's reassembly; 0 = one write. */
  tcpChunkBytes: number;
  close(): Promise<void>;
}

export async function startTestServer(handler: Handler): Promise<TestServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listen(handler);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 10) throw err;
    }
  }
}

async function listen(handler: Handler): Promise<TestServer> {
  const tcp = net.createServer();
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await new Promise((r) => tcp.close(r));
    throw err;
  }
  let inFlight = 0;
  const sockets = new Set<net.Socket>();
  const server: TestServer = {
    host: '127.0.0.1',
    port,
    address: { host: '127.0.0.1', port },
    queries: [],
    count: (t) => server.queries.filter((q) => t === undefined || q.transport === t).length,
    maxInFlight: 0,
    tcpChunkBytes: 0,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => udp.close(() => r(null))), new Promise((r) => tcp.close(r))]);
    },
  };

  async function handle(raw: Buffer, transport: Transport): Promise<Buffer[]> {
    const packet = dnsPacket.decode(raw);
    const question = packet.questions?.[0];
    const q: ReceivedQuery = {
      transport,
      id: packet.id ?? 0,
      name: question?.name ?? '',
      type: question?.type ?? '',
      packet,
      raw,
    };
    server.queries.push(q);
    inFlight++;
    server.maxInFlight = Math.max(server.maxInFlight, inFlight);
    try {
      const out = await handler(q);
      return out === null ? [] : Array.isArray(out) ? out : [out];
    } finally {
      inFlight--;
    }
  }

  udp.on('message', (msg, rinfo) => {
    void handle(msg, 'udp').then((outs) => {
      for (const out of outs) udp.send(out, rinfo.port, rinfo.address);
    });
  });

  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) return;
      const msg = buffered.subarray(2, 2 + len);
      buffered = buffered.subarray(2 + len);
      void handle(msg, 'tcp').then(async (outs) => {
        for (const out of outs) {
          const framed = Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]);
          const step = server.tcpChunkBytes > 0 ? server.tcpChunkBytes : framed.length;
          for (let i = 0; i < framed.length; i += step) {
            if (socket.destroyed) return;
            socket.write(framed.subarray(i, i + step));
            if (step < framed.length) await new Promise((r) => setTimeout(r, 1));
          }
        }
      });
    });
  });

  return server;
}

export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface ReplyOptions {
  rcode?: number;
  ad?: boolean;
  tc?: boolean;
  id?: number;
  /** Replace the echoed question. */
  questions?: dnsPacket.Question[];
  /** Send as a query (QR clear). */
  notResponse?: boolean;
  authorities?: dnsPacket.Answer[];
}

/** A response to `q` with these answers, encoded by dns-packet. */
export function reply(q: ReceivedQuery, answers: dnsPacket.Answer[], opts: ReplyOptions = {}): Buffer {
  let flags = dnsPacket.AUTHORITATIVE_ANSWER | (opts.rcode ?? 0);
  if (opts.ad) flags |= dnsPacket.AUTHENTIC_DATA;
  if (opts.tc) flags |= dnsPacket.TRUNCATED_RESPONSE;
  return dnsPacket.encode({
    type: opts.notResponse ? 'query' : 'response',
    id: opts.id ?? q.id,
    flags,
    questions: opts.questions ?? q.packet.questions ?? [],
    answers,
    authorities: opts.authorities ?? [],
  });
}

/** RDATA of <character-string>s, for record types dns-packet does not know (SPF). */
export function characterStrings(...strings: string[]): Buffer {
  return Buffer.concat(
    strings.map((s) => {
      const b = Buffer.from(s, 'utf8');
      return Buffer.concat([Buffer.from([b.length]), b]);
    }),
  );
}
