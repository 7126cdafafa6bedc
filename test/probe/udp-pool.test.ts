/**
 * The stub resolver's UDP socket pool (src/probe/udp-pool.ts), against a raw UDP server that
 * sees each datagram's source port: questions multiplexed on a few long-lived sockets, ids
 * unique among those in flight on a socket, forged answers ignored (RFC 5452 9.1), sockets
 * retired after their share of questions, idle sockets closed.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { createStubResolver } from '../../src/probe/dns.js';
import { recordsOf } from '../../src/probe/types.js';

interface Seen {
  id: number;
  name: string;
  port: number;
}

interface RawServer {
  port: number;
  seen: Seen[];
  /** Most questions held at once (sent, not yet answered). */
  maxHeld: number;
  /** (source port, id) pairs that were in flight twice at once. */
  reusedIds: number;
  close(): Promise<void>;
}

/** Answers every A question with 192.0.2.N after `delayMs`; `before` may send extra datagrams first. */
async function rawServer(
  delayMs: number,
  before?: (query: dnsPacket.DecodedPacket, port: number, socket: dgram.Socket) => void,
): Promise<RawServer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  // A burst of 600 questions overflows the default receive buffer (208 KiB) of a busy server.
  socket.setRecvBufferSize(4 * 1024 * 1024);
  const inFlight = new Set<string>();
  const server: RawServer = {
    port: (socket.address() as AddressInfo).port,
    seen: [],
    maxHeld: 0,
    reusedIds: 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const name = query.questions?.[0]?.name ?? '';
    const id = query.id ?? 0;
    server.seen.push({ id, name, port: rinfo.port });
    const key = `${rinfo.port}/${id}`;
    if (inFlight.has(key)) server.reusedIds++;
    inFlight.add(key);
    server.maxHeld = Math.max(server.maxHeld, inFlight.size);
    before?.(query, rinfo.port, socket);
    setTimeout(() => {
      inFlight.delete(key);
      const answer = dnsPacket.encode({
        type: 'response',
        id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
        questions: query.questions ?? [],
        answers: [{ name, type: 'A', class: 'IN', ttl: 60, data: `192.0.2.${name.length % 250}` }],
      });
      socket.send(answer, rinfo.port, rinfo.address);
    }, delayMs);
  });
  return server;
}

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  delayMs: number,
  before?: (query: dnsPacket.DecodedPacket, port: number, socket: dgram.Socket) => void,
): Promise<RawServer> {
  const s = await rawServer(delayMs, before);
  servers.push(s);
  return s;
}

describe('UDP socket pool', () => {
  it('multiplexes 600 questions in flight over a few long-lived sockets, ids unique per socket', async () => {
    const server = await serve(400);
    const dns = createStubResolver({ servers: [{ host: '127.0.0.1', port: server.port }], timeoutMs: 3000 });
    const names = Array.from({ length: 600 }, (_, i) => `host${i}.example`);
    const results = await Promise.all(names.map((n) => dns.query(n, 'A')));
    expect(results.filter((r) => r.kind !== 'ok')).toEqual([]);
    expect(recordsOf(results[7]!, 'A')).toEqual([`192.0.2.${names[7]!.length}`]);
    expect(server.maxHeld).toBeGreaterThan(300); // they really were in flight together
    const ports = new Set(server.seen.map((s) => s.port));
    // 128 questions per socket: 5 sockets, not 600; more than one, so source ports vary.
    expect(ports.size).toBeGreaterThanOrEqual(2);
    expect(ports.size).toBeLessThanOrEqual(8);
    expect(server.reusedIds).toBe(0);
    dns.close();
  });

  it('ignores an answer with the right id for another question, then takes the real one (RFC 5452 9.1)', async () => {
    const server = await serve(40, (query, port, socket) => {
      const forged = dnsPacket.encode({
        type: 'response',
        id: query.id ?? 0,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name: 'elsewhere.example', type: 'A', class: 'IN' }],
        answers: [{ name: 'elsewhere.example', type: 'A', class: 'IN', ttl: 60, data: '203.0.113.66' }],
      });
      socket.send(forged, port, '127.0.0.1');
    });
    const dns = createStubResolver({ servers: [{ host: '127.0.0.1', port: server.port }], timeoutMs: 2000 });
    const r = await dns.query('real.example', 'A');
    expect(recordsOf(r, 'A')).toEqual([`192.0.2.${'real.example'.length}`]);
    dns.close();
  });

  it('does not take an answer that comes from another address or port than the server (connected socket)', async () => {
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', () => resolve()));
    const server = await serve(60, (query, port) => {
      const forged = dnsPacket.encode({
        type: 'response',
        id: query.id ?? 0,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: query.questions ?? [],
        answers: [{ name: 'victim.example', type: 'A', class: 'IN', ttl: 60, data: '203.0.113.66' }],
      });
      spoofer.send(forged, port, '127.0.0.1');
    });
    const dns = createStubResolver({ servers: [{ host: '127.0.0.1', port: server.port }], timeoutMs: 2000 });
    try {
      const r = await dns.query('victim.example', 'A');
      expect(recordsOf(r, 'A')).toEqual([`192.0.2.${'victim.example'.length}`]);
    } finally {
      dns.close();
      spoofer.close();
    }
  });

  it('retires a socket after its share of questions: later questions leave from a new source port', async () => {
    const server = await serve(0);
    const dns = createStubResolver({
      servers: [{ host: '127.0.0.1', port: server.port }],
      timeoutMs: 2000,
      pool: { questionsPerSocketLifetime: 5 },
    });
    for (let i = 0; i < 15; i++) await dns.query(`seq${i}.example`, 'A');
    const ports = server.seen.map((s) => s.port);
    expect(new Set(ports.slice(0, 5)).size).toBe(1);
    expect(new Set(ports).size).toBe(3);
    dns.close();
  });

  it('closes idle sockets; a closed resolver ends the questions still waiting', async () => {
    const server = await serve(10_000);
    const dns = createStubResolver({
      servers: [{ host: '127.0.0.1', port: server.port }],
      timeoutMs: 5000,
      tries: 1,
    });
    const pending = dns.query('slow.example', 'A');
    await new Promise((resolve) => setTimeout(resolve, 50));
    dns.close();
    expect(await pending).toMatchObject({ kind: 'error', error: 'timeout', detail: 'aborted' });

    const quick = await serve(0);
    const idle = createStubResolver({
      servers: [{ host: '127.0.0.1', port: quick.port }],
      pool: { idleCloseMs: 30 },
    });
    await idle.query('a.example', 'A');
    expect(idle.openSockets()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(idle.openSockets()).toBe(0);
    // and the next question opens a fresh one
    expect((await idle.query('b.example', 'A')).kind).toBe('ok');
    idle.close();
  });
});
