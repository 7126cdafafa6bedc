/**
 * Stub resolver client: asks a recursive resolver over UDP (EDNS0), retries over TCP on
 * truncation, checks every answer against its question, follows CNAME chains and returns
 * typed `DnsResult`s. node:dns is not used: it cannot ask names with ':' '/' '%' or spaces
 * (which SPF macros produce) and exposes neither TTLs nor the AD flag.
 */

import { randomInt } from 'node:crypto';
import net from 'node:net';
import { onAbort } from './abort.js';
import type {
  DnsCounters,
  DnsErrorKind,
  DnsRecord,
  DnsResult,
  QueryOptions,
  Resolver,
  RRType,
} from './types.js';
import { RR_TYPES } from './types.js';
import { type UdpPoolOptions, UdpSocketPool } from './udp-pool.js';
import {
  CLASS_IN,
  decodeRecord,
  encodeName,
  encodeQuery,
  normalizeName,
  type ParsedResponse,
  parseResponse,
  RCODE,
  RR_TYPE_CODES,
  readCnameTarget,
} from './wire.js';

/** The chain of every answer reached without a CNAME (most of a run's cache): one shared, frozen array. */
const NO_CHAIN: readonly string[] = Object.freeze([]);

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_TRIES = 2;
/**
 * CNAME hops followed from the asked name. RFC 1034 3.6.2 sets no number; resolvers use
 * small bounds (BIND: 16, Unbound: 11); 8 is ample for mail setups and bounds the work.
 */
export const MAX_CNAME_HOPS = 8;
/** A DNS message over TCP carries a 2-byte length prefix. RFC 1035 4.2.2 */
export const MAX_TCP_MESSAGE_BYTES = 65535;
const TCP_LENGTH_PREFIX_BYTES = 2; // RFC 1035 4.2.2

export interface ServerAddress {
  host: string;
  port: number;
}

export interface StubResolverOptions {
  servers: ServerAddress[];
  /** Wait per try (one packet to one server), ms. */
  timeoutMs?: number;
  /** Packets tried per question, rotating through `servers`. */
  tries?: number;
  /** Counters to update; a fresh set when omitted. */
  counters?: DnsCounters;
  /** The UDP socket pool's limits (tests); defaults in udp-pool.ts. */
  pool?: UdpPoolOptions;
}

export function newCounters(): DnsCounters {
  return { queriesSent: 0, cacheHits: 0, cacheMisses: 0, timeouts: 0, tcpRetries: 0, errors: 0 };
}

/** Adds `more` into `sum` (the traffic of several probes: queue workers, audit threads). */
export function addCounters(sum: DnsCounters, more: DnsCounters): void {
  for (const k of Object.keys(sum) as (keyof DnsCounters)[]) sum[k] += more[k];
}

type Failure = { error: DnsErrorKind; detail: string };
type Exchange = { kind: 'response'; response: ParsedResponse; buf: Buffer } | ({ kind: 'failure' } & Failure);
type TryOutcome =
  | { kind: 'answer'; buf: Buffer; response: ParsedResponse }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | ({ kind: 'failed' } & Failure);

const ABORTED: Failure = { error: 'timeout', detail: 'aborted' };

export function createStubResolver(
  options: StubResolverOptions,
): Resolver & { counters: DnsCounters; close(): void; openSockets(): number } {
  const servers = options.servers.slice();
  if (servers.length === 0) throw new Error('createStubResolver: no DNS servers given');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tries = options.tries ?? DEFAULT_TRIES;
  if (!(timeoutMs > 0)) throw new Error('createStubResolver: timeoutMs must be > 0');
  if (!Number.isInteger(tries) || tries < 1)
    throw new Error('createStubResolver: tries must be an integer >= 1');
  const counters = options.counters ?? newCounters();
  const pool = new UdpSocketPool(options.pool);

  /** One question to the servers: UDP tries in turn, TCP after a truncated answer. */
  async function exchange(qname: Buffer, qtype: number, signal: AbortSignal | undefined): Promise<Exchange> {
    let last: Failure = { error: 'timeout', detail: 'no answer' };
    for (let attempt = 0; attempt < tries; attempt++) {
      if (signal?.aborted) return { kind: 'failure', ...ABORTED };
      const server = servers[attempt % servers.length]!;
      const where = `${server.host}:${server.port}`;
      let outcome = await udpTry(server, encodeQuery(0, qname, qtype), timeoutMs, signal);
      if (outcome.kind === 'answer' && outcome.response.truncated) {
        counters.tcpRetries++;
        outcome = await tcpTry(server, encodeQuery(randomInt(0x10000), qname, qtype), timeoutMs, signal);
      }
      switch (outcome.kind) {
        case 'answer':
          return { kind: 'response', response: outcome.response, buf: outcome.buf };
        case 'aborted':
          return { kind: 'failure', ...ABORTED };
        case 'timeout':
          counters.timeouts++;
          last = { error: 'timeout', detail: `no answer from ${where} within ${timeoutMs} ms` };
          break;
        case 'failed':
          if (outcome.error === 'malformed') {
            return { kind: 'failure', error: outcome.error, detail: outcome.detail };
          }
          last = { error: outcome.error, detail: `${outcome.detail} (${where})` };
          break;
      }
    }
    return { kind: 'failure', ...last, detail: `${last.detail}; ${tries} tries` };
  }

  function udpTry(
    server: ServerAddress,
    packet: Buffer,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<TryOutcome> {
    return new Promise((resolve) => {
      let done = false;
      let parsed: ParsedResponse | string | undefined;
      const finish = (outcome: TryOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stopWaiting();
        resolve(outcome);
      };
      // The pool matches the id; the question (name, type, class) is checked here.
      const match = (message: Buffer): 'answer' | 'ignore' => {
        const r = parseResponse(message, packet);
        if (r === 'ignore') return 'ignore';
        parsed = r;
        return 'answer';
      };
      const ticket = pool.ask(
        server,
        packet,
        match,
        (outcome) => {
          if (outcome.kind === 'answer') {
            if (typeof parsed === 'string') finish({ kind: 'failed', error: 'malformed', detail: parsed });
            else if (parsed) finish({ kind: 'answer', buf: outcome.message, response: parsed });
          } else if (outcome.kind === 'error') {
            finish({ kind: 'failed', error: 'timeout', detail: outcome.detail });
          } else {
            finish({ kind: 'aborted' });
          }
        },
        () => counters.queriesSent++,
      );
      const timer = setTimeout(() => {
        ticket.cancel();
        finish({ kind: 'timeout' });
      }, waitMs);
      const stopWaiting = onAbort(signal, () => {
        ticket.cancel();
        finish({ kind: 'aborted' });
      });
    });
  }

  function tcpTry(
    server: ServerAddress,
    packet: Buffer,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<TryOutcome> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let expected = -1;
      let done = false;
      const socket = net.connect({ host: server.host, port: server.port });
      const finish = (outcome: TryOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stopWaiting();
        socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ kind: 'timeout' }), waitMs);
      const stopWaiting = onAbort(signal, () => finish({ kind: 'aborted' }));
      socket.on('error', (err: NodeJS.ErrnoException) =>
        finish({ kind: 'failed', error: 'timeout', detail: `TCP ${err.code ?? err.message}` }),
      );
      socket.on('close', () =>
        finish({ kind: 'failed', error: 'timeout', detail: 'TCP connection closed before a full answer' }),
      );
      socket.on('connect', () => {
        const prefix = Buffer.alloc(TCP_LENGTH_PREFIX_BYTES);
        prefix.writeUInt16BE(packet.length, 0);
        counters.queriesSent++;
        socket.write(Buffer.concat([prefix, packet]));
      });
      socket.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        received += chunk.length;
        if (expected < 0 && received >= TCP_LENGTH_PREFIX_BYTES) {
          const head = Buffer.concat(chunks);
          chunks.length = 0;
          chunks.push(head);
          expected = head.readUInt16BE(0); // <= MAX_TCP_MESSAGE_BYTES by construction
          if (expected === 0) {
            finish({ kind: 'failed', error: 'malformed', detail: 'empty TCP message' });
            return;
          }
        }
        if (expected < 0 || received < TCP_LENGTH_PREFIX_BYTES + expected) return;
        const whole = Buffer.concat(chunks, received);
        const msg = whole.subarray(TCP_LENGTH_PREFIX_BYTES, TCP_LENGTH_PREFIX_BYTES + expected);
        const parsed = parseResponse(msg, packet);
        if (parsed === 'ignore') {
          // A TCP stream carries only our query's answer; anything else is a broken server.
          finish({ kind: 'failed', error: 'malformed', detail: 'TCP answer does not match the question' });
        } else if (typeof parsed === 'string') {
          finish({ kind: 'failed', error: 'malformed', detail: parsed });
        } else {
          finish({ kind: 'answer', buf: msg, response: parsed });
        }
      });
    });
  }

  async function resolve(asked: string, type: RRType, signal: AbortSignal | undefined): Promise<DnsResult> {
    const name = normalizeName(asked);
    const chain: string[] = [];
    const error = (e: Failure): DnsResult => ({
      name,
      type,
      cnameChain: chain.length === 0 ? NO_CHAIN : chain.slice(),
      kind: 'error',
      error: e.error,
      detail: e.detail,
    });
    if (!RR_TYPES.includes(type))
      return error({ error: 'malformed', detail: `unsupported type ${String(type)}` });
    const qtype = RR_TYPE_CODES[type];
    const seen = new Set<string>([name]);
    let owner = name;
    let ad = true;
    // Each round either ends or adds at least one CNAME hop, so rounds <= MAX_CNAME_HOPS + 1.
    for (;;) {
      const wire = encodeName(owner);
      if (typeof wire === 'string') return error({ error: 'malformed', detail: `${wire}: ${owner}` });
      if (signal?.aborted) return error(ABORTED);
      const ex = await exchange(wire, qtype, signal);
      if (ex.kind === 'failure') return error(ex);
      const { response, buf } = ex;
      ad = ad && response.ad;
      switch (response.rcode) {
        case RCODE.NOERROR:
        case RCODE.NXDOMAIN:
          break;
        case RCODE.SERVFAIL:
          return error({ error: 'servfail', detail: `SERVFAIL for ${owner} ${type}` });
        case RCODE.REFUSED:
          return error({ error: 'refused', detail: `REFUSED for ${owner} ${type}` });
        default:
          return error({ error: 'malformed', detail: `rcode ${response.rcode} for ${owner} ${type}` });
      }
      const inClass = response.answers.filter((rr) => rr.klass === CLASS_IN);
      let followed = false;
      let records: DnsRecord[] = [];
      // Walk the chain inside this answer: each step consumes one CNAME hop.
      for (;;) {
        const here = inClass.filter((rr) => rr.name === owner && rr.type === qtype);
        if (here.length > 0) {
          // Exact length, and the owner string shared with the result's: results live in the
          // run's cache, so their size is the bulk of a fleet run's live heap.
          records = new Array<DnsRecord>(here.length);
          for (let i = 0; i < here.length; i++) {
            const rec = decodeRecord(buf, here[i]!, type);
            if (typeof rec === 'string') return error({ error: 'malformed', detail: rec });
            rec.name = owner;
            records[i] = rec;
          }
          break;
        }
        if (type === 'CNAME') break;
        const cname = inClass.find((rr) => rr.name === owner && rr.type === RR_TYPE_CODES.CNAME);
        if (!cname) break;
        const target = readCnameTarget(buf, cname);
        if (target === null) return error({ error: 'malformed', detail: `bad CNAME RDATA at ${owner}` });
        if (seen.has(target)) return error({ error: 'malformed', detail: 'CNAME loop' });
        if (chain.length >= MAX_CNAME_HOPS)
          return error({ error: 'malformed', detail: 'CNAME chain too long' });
        seen.add(target);
        chain.push(target);
        owner = target;
        followed = true;
      }
      const cnameChain = chain.length === 0 ? NO_CHAIN : chain.slice(); // exact length (see above)
      if (response.rcode === RCODE.NXDOMAIN) return { name, type, cnameChain, kind: 'nxdomain', ad };
      if (records.length > 0) {
        let ttl = records[0]!.ttl;
        for (const r of records) ttl = Math.min(ttl, r.ttl);
        return { name, type, cnameChain, kind: 'ok', records, ttl, ad };
      }
      // The server gave the alias but not the target's records: ask for the target.
      if (!followed) return { name, type, cnameChain, kind: 'nodata', ad };
    }
  }

  return {
    counters,
    close: () => pool.close(),
    openSockets: () => pool.openSockets(),
    async query(name: string, type: RRType, queryOptions?: QueryOptions): Promise<DnsResult> {
      const result = await resolve(name, type, queryOptions?.signal);
      if (result.kind === 'error') counters.errors++;
      return result;
    },
  };
}
