/**
 * Loopback authoritative DNS server for tests, the demo world and benchmarks: serves a Zone
 * over UDP and TCP on the same port. Hostile input never stops it: malformed UDP packets are
 * dropped, malformed TCP streams are closed, and every buffer, queue and wait is bounded.
 */

import dgram from 'node:dgram';
import net, { isIPv6 } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { type AnswerRecord, answerIsSecure, lookup } from './lookup.js';
import { type LatencySpec, normalizeName, type Zone, zoneFrom } from './zone.js';

/** UDP reply limit without EDNS. RFC 1035 4.2.1 */
export const DNS_UDP_MAX_PLAIN = 512;
/** Payload sizes below 512 are treated as 512. RFC 6891 6.2.5 */
export const EDNS_MIN_UDP_PAYLOAD = 512;
/** Payload size this server advertises (the DNS Flag Day 2020 value). RFC 6891 6.2.5 */
export const LAB_EDNS_UDP_PAYLOAD = 1232;
/** DNS messages are at most 65535 octets (16-bit TCP length prefix). RFC 1035 4.2.2 */
export const DNS_MAX_MESSAGE = 65_535;
/** Bytes buffered per TCP connection: one maximum-size message with its prefix. RFC 7766 8 */
export const TCP_MAX_BUFFERED = 2 + DNS_MAX_MESSAGE;
/** Idle TCP connections are closed after this long. RFC 7766 6.2.3 */
export const TCP_IDLE_TIMEOUT_MS = 10_000;
/** Queries answered concurrently on one TCP connection; more closes it. */
export const TCP_MAX_PENDING = 256;
/** Replies waiting for their latency at once, across transports; more are dropped. */
export const MAX_PENDING_REPLIES = 10_000;
export const DEFAULT_QUERY_LOG_SIZE = 10_000;
/** Attempts to find a port free for both UDP and TCP when port 0 is asked. */
export const BIND_ATTEMPTS = 8;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_AD = 0x0020; // RFC 4035 3.2.3
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface LabServerOptions {
  zone: Zone;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port, the same for UDP and TCP. */
  port?: number;
  /** Added per query; overrides the zone's `$latency`. */
  latencyMs?: LatencySpec;
  /** Seed of the latency PRNG (default 1), so runs repeat. */
  seed?: number;
  tcpIdleTimeoutMs?: number;
  /** Entries kept in `queries` (oldest dropped first). */
  queryLogSize?: number;
  /**
   * Share (0 to 1) of received UDP queries dropped without a reply, as packet loss would:
   * benchmarks measure retries and `unknown` results under loss. Default 0. Drawn from its
   * own seeded PRNG, so latency draws do not change with it.
   */
  dropRate?: number;
  /**
   * UDP receive buffer to ask the kernel for (capped at net.core.rmem_max): benchmarks send
   * a thousand queries at once, more than the default buffer (~200 KB) holds. Default:
   * LAB_RECEIVE_BUFFER_BYTES (the kernel caps what it gives).
   */
  udpReceiveBufferBytes?: number;
}

/** Seed offset of the drop PRNG from the latency PRNG's seed. */
const DROP_SEED_OFFSET = 0x5eed;

export interface LoggedQuery {
  /** Lower-cased, no trailing dot. */
  name: string;
  /** dns-packet's type name: 'TXT', 'SPF', 'UNKNOWN_65280'... */
  type: string;
  transport: 'udp' | 'tcp';
}

interface EncodableAnswer {
  type: string;
  name: string;
  ttl?: number;
  data?: unknown;
  udpPayloadSize?: number;
}
interface Codec<T> {
  encode: ((v: T) => Buffer) & { bytes: number };
}
const codecs = dnsPacket as unknown as { answer: Codec<EncodableAnswer>; name: Codec<string> };

/** dns-packet may allocate more than it writes (e.g. for the root name): keep what it wrote. */
function encodeWith<T>(codec: Codec<T>, v: T): Buffer {
  const buf = codec.encode(v);
  return buf.subarray(0, codec.encode.bytes);
}

/** Seeded PRNG (mulberry32): latency draws repeat from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** End offset of the first question (header is 12 bytes), or -1 if it runs past the buffer. */
function questionEnd(buf: Buffer): number {
  let o = 12;
  // A name has at most 128 labels; the bound guards the loop against any input.
  for (let labels = 0; labels < 128 && o < buf.length; labels++) {
    const len = buf[o]!;
    if (len === 0) return o + 5 <= buf.length ? o + 5 : -1;
    if ((len & 0xc0) === 0xc0) return o + 6 <= buf.length ? o + 6 : -1;
    if ((len & 0xc0) !== 0) return -1;
    o += 1 + len;
  }
  return -1;
}

/** Wire bytes of one record; `ownerWire` replaces the placeholder root name. */
function encodeRecord(a: AnswerRecord, ownerWire: Buffer): Buffer {
  const r = a.record;
  let enc: EncodableAnswer;
  switch (r.type) {
    case 'SPF': {
      // dns-packet has no SPF codec: give it the RDATA (TXT layout) as an unknown type.
      const parts: Buffer[] = [];
      for (const s of r.data) parts.push(Buffer.from([s.length]), s);
      enc = { type: 'SPF', name: '.', ttl: a.ttl, data: Buffer.concat(parts) };
      break;
    }
    case 'TXT':
      enc = { type: 'TXT', name: '.', ttl: a.ttl, data: [...r.data] };
      break;
    case 'TLSA':
      enc = {
        type: 'TLSA',
        name: '.',
        ttl: a.ttl,
        data: {
          usage: r.data.usage,
          selector: r.data.selector,
          matchingType: r.data.matchingType,
          certificate: Buffer.from(r.data.data, 'hex'),
        },
      };
      break;
    default:
      enc = { type: r.type, name: '.', ttl: a.ttl, data: r.data };
  }
  const wire = encodeWith(codecs.answer, enc);
  return Buffer.concat([ownerWire, wire.subarray(1)]);
}

/** Pointer to the question's name, which always sits right after the header. */
const QNAME_POINTER = Buffer.from([0xc0, 0x0c]);

function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  h.writeUInt16BE(ns, 8);
  h.writeUInt16BE(ar, 10);
  return h;
}

type Handled =
  | { kind: 'malformed' }
  | { kind: 'ignore' }
  | { kind: 'reply'; reply: Buffer | undefined; log?: { name: string; type: string } };

/**
 * Answers one DNS message. `reply: undefined` is a TIMEOUT fault (stay silent). Exported for
 * unit tests; the server is the normal entry point.
 */
export function answerMessage(zone: Zone, msg: Buffer, transport: 'udp' | 'tcp'): Handled {
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return { kind: 'malformed' };
  }
  if (msg.length < 12) return { kind: 'malformed' };
  const id = msg.readUInt16BE(0);
  const qflags = msg.readUInt16BE(2);
  if (qflags & FLAG_QR) return { kind: 'ignore' }; // a response: never answer those
  const opcode = qflags & 0x7800;
  const baseFlags = FLAG_QR | opcode | (qflags & FLAG_RD);
  const questions = query.questions ?? [];
  if (opcode !== 0) return { kind: 'reply', reply: header(id, baseFlags | RCODE.NOTIMP, 0, 0, 0, 0) };
  const q = questions[0];
  const qEnd = questionEnd(msg);
  if (questions.length !== 1 || !q || qEnd < 0) {
    return { kind: 'reply', reply: header(id, baseFlags | RCODE.FORMERR, 0, 0, 0, 0) };
  }
  const rawQuestion = msg.subarray(12, qEnd);
  const log = { name: normalizeName(q.name), type: q.type };

  const opt = query.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
  const additionals: Buffer[] = [];
  if (opt) {
    additionals.push(
      encodeWith(codecs.answer, { type: 'OPT', name: '.', udpPayloadSize: LAB_EDNS_UDP_PAYLOAD }),
    );
  }
  const limit =
    transport === 'tcp'
      ? DNS_MAX_MESSAGE
      : opt
        ? Math.max(EDNS_MIN_UDP_PAYLOAD, opt.udpPayloadSize)
        : DNS_UDP_MAX_PLAIN;

  const outcome = lookup(zone, q.name, q.type);
  if (outcome.kind === 'timeout') return { kind: 'reply', reply: undefined, log };
  if (outcome.kind === 'rcode') {
    const h = header(id, baseFlags | RCODE[outcome.rcode], 1, 0, 0, additionals.length);
    return { kind: 'reply', reply: Buffer.concat([h, rawQuestion, ...additionals]), log };
  }
  const ownerWire = (a: AnswerRecord): Buffer =>
    a.owner === q.name ? QNAME_POINTER : encodeWith(codecs.name, a.owner);
  const answers = outcome.answers.map((a) => encodeRecord(a, ownerWire(a)));
  const authorities = outcome.authorities.map((a) => encodeRecord(a, ownerWire(a)));
  const secure = answerIsSecure(zone, log.name, outcome.answers);
  const flags = baseFlags | FLAG_AA | (secure ? FLAG_AD : 0) | RCODE[outcome.rcode];
  const body = [...answers, ...authorities];
  const size = 12 + rawQuestion.length + [...body, ...additionals].reduce((n, b) => n + b.length, 0);
  if (size > limit) {
    // Too big for the client's buffer: say so and let it retry over TCP. RFC 1035 4.2.1
    const h = header(id, flags | FLAG_TC, 1, 0, 0, additionals.length);
    return { kind: 'reply', reply: Buffer.concat([h, rawQuestion, ...additionals]), log };
  }
  const h = header(id, flags, 1, answers.length, authorities.length, additionals.length);
  return { kind: 'reply', reply: Buffer.concat([h, rawQuestion, ...body, ...additionals]), log };
}

/** Receive buffer asked for the lab's UDP socket (the kernel caps it at net.core.rmem_max). */
const LAB_RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

function checkDropRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`dropRate must be between 0 and 1, got ${rate}`);
  return rate;
}

function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      // A fleet run's bursts (hundreds of questions at once) overflowed the default receive
      // buffer (208 KiB): the lab dropped questions a real resolver would have queued.
      try {
        socket.setRecvBufferSize(LAB_RECEIVE_BUFFER_BYTES);
      } catch {
        // capped or refused here: the default stays
      }
      resolve();
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export class LabDnsServer {
  readonly host: string;
  readonly port: number;
  /** Questions received, oldest first (bounded by `queryLogSize`). */
  readonly queries: LoggedQuery[] = [];
  private zone: Zone;
  private readonly latencyOption: LatencySpec | undefined;
  private readonly random: () => number;
  private readonly dropRandom: () => number;
  private dropRate: number;
  /** UDP queries dropped by `dropRate` (they are still logged in `queries`: they were received). */
  droppedQueries = 0;
  private readonly idleMs: number;
  private readonly logSize: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<net.Socket>();
  private stopped = false;

  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    opts: LabServerOptions,
  ) {
    this.zone = opts.zone;
    this.latencyOption = opts.latencyMs;
    this.random = prng(opts.seed ?? 1);
    this.dropRandom = prng((opts.seed ?? 1) + DROP_SEED_OFFSET);
    this.dropRate = checkDropRate(opts.dropRate ?? 0);
    this.idleMs = opts.tcpIdleTimeoutMs ?? TCP_IDLE_TIMEOUT_MS;
    this.logSize = opts.queryLogSize ?? DEFAULT_QUERY_LOG_SIZE;
    const address = udp.address();
    this.host = address.address;
    this.port = address.port;
    udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
    udp.on('error', () => {}); // e.g. ICMP unreachable reported on send: not fatal
    tcp.on('connection', (socket) => this.onTcp(socket));
    tcp.on('error', () => {});
  }

  static async start(opts: LabServerOptions): Promise<LabDnsServer> {
    const host = opts.host ?? '127.0.0.1';
    const wanted = opts.port ?? 0;
    for (let attempt = 1; ; attempt++) {
      const udp = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      await bindUdp(udp, host, wanted);
      if (opts.udpReceiveBufferBytes !== undefined) udp.setRecvBufferSize(opts.udpReceiveBufferBytes);
      const port = udp.address().port;
      const tcp = net.createServer();
      try {
        await listenTcp(tcp, host, port);
        return new LabDnsServer(udp, tcp, opts);
      } catch (err) {
        udp.close();
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (wanted !== 0 || !inUse || attempt >= BIND_ATTEMPTS) throw err;
      }
    }
  }

  /** Serves another zone from the next query on. */
  setZone(zone: Zone): void {
    this.zone = zone;
  }

  /** Drops this share (0 to 1) of the UDP queries received from now on. */
  setDropRate(rate: number): void {
    this.dropRate = checkDropRate(rate);
  }

  clearQueries(): void {
    this.queries.length = 0;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  private latency(): number {
    const spec = this.latencyOption ?? this.zone.latencyMs;
    if (spec === undefined) return 0;
    if (typeof spec === 'number') return spec;
    return spec[0] + this.random() * (spec[1] - spec[0]);
  }

  private record(log: { name: string; type: string } | undefined, transport: 'udp' | 'tcp'): void {
    if (!log) return;
    this.queries.push({ ...log, transport });
    if (this.queries.length > this.logSize) this.queries.splice(0, this.queries.length - this.logSize);
  }

  /** Sends after the configured latency; false when too many replies are already waiting. */
  private later(send: () => void): boolean {
    const delay = this.latency();
    if (delay <= 0) {
      send();
      return true;
    }
    if (this.timers.size >= MAX_PENDING_REPLIES) return false;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) send();
    }, delay);
    this.timers.add(t);
    return true;
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.stopped) return;
    let handled: Handled;
    try {
      handled = answerMessage(this.zone, msg, 'udp');
    } catch {
      return; // a bug on one packet must not stop the server
    }
    if (handled.kind !== 'reply') return;
    this.record(handled.log, 'udp');
    const reply = handled.reply;
    if (!reply) return;
    if (this.dropRate > 0 && this.dropRandom() < this.dropRate) {
      this.droppedQueries++;
      return;
    }
    this.later(() => this.udp.send(reply, rinfo.port, rinfo.address, () => {}));
  }

  private onTcp(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    let buffered: Buffer = Buffer.alloc(0);
    let pending = 0;
    socket.setTimeout(this.idleMs, () => socket.destroy());
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      // A read may be larger than one message (pipelined queries): frame first, then bound
      // what is left over, which is at most one incomplete message.
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      // Each message is preceded by its 2-byte length; a read may hold parts of several.
      while (buffered.length >= 2 && !socket.destroyed) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) break;
        const msg = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        let handled: Handled;
        try {
          handled = answerMessage(this.zone, msg, 'tcp');
        } catch {
          handled = { kind: 'malformed' };
        }
        if (handled.kind === 'malformed') {
          socket.destroy();
          return;
        }
        if (handled.kind !== 'reply') continue;
        this.record(handled.log, 'tcp');
        const reply = handled.reply;
        if (!reply) continue;
        if (pending >= TCP_MAX_PENDING) {
          socket.destroy();
          return;
        }
        pending++;
        const framed = Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]);
        const queued = this.later(() => {
          pending--;
          if (!socket.destroyed) socket.write(framed);
        });
        if (!queued) pending--;
      }
      if (buffered.length > TCP_MAX_BUFFERED) socket.destroy();
    });
  }
}

export interface LabHandle {
  server: LabDnsServer;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a lab server for a test: zone as YAML text, plain object or Zone. `host` and `port`
 * form the resolver server spec to point a client at.
 */
export async function startLab(
  zone: string | Zone | Record<string, unknown>,
  opts: Omit<LabServerOptions, 'zone'> = {},
): Promise<LabHandle> {
  const server = await LabDnsServer.start({ ...opts, zone: zoneFrom(zone) });
  return { server, host: server.host, port: server.port, stop: () => server.stop() };
}
