/**
 * Minimal DNS replayer: the machine's DNS ceiling in the fleet benchmark (issue 12).
 *
 * A plain `node:dgram` client that asks a list of questions with many in flight over a few
 * long-lived connected UDP sockets: each question is encoded once per send with a random id,
 * and an answer is matched by its socket and id only (nothing beyond the 12-byte header is
 * parsed; a truncated or SERVFAIL answer counts as answered, as it ends the wait). A question
 * not answered within the timeout is sent again with a new id, up to `tries` sends, so packet
 * loss costs a retry, never a stalled run. It deliberately imports nothing from `src/`: it is
 * the yardstick the product's probe is measured against, not a client of it.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Questions in flight at once by default: the issue asks for at least 1,000. */
export const DEFAULT_REPLAY_IN_FLIGHT = 1000;
/** Long-lived sockets the questions are spread over (each its own source port). */
export const DEFAULT_REPLAY_SOCKETS = 4;
/**
 * Wait before a question is sent again: 10 x the lab's largest added latency (50 ms), well
 * under a stub resolver's 2 s, so a lost packet costs the ceiling a short retry, not a 2 s tail.
 */
export const DEFAULT_REPLAY_TIMEOUT_MS = 500;
/**
 * The same through a caching resolver (--resolver unbound), which retries upstream itself
 * (its first timeout for an unknown server is ~376 ms): a client that re-asks sooner than a
 * stub resolver's 2 s only adds load to a busy resolver.
 */
export const DEFAULT_REPLAY_TIMEOUT_VIA_RESOLVER_MS = 2000;
/** Sends per question before it counts as unanswered. */
export const DEFAULT_REPLAY_TRIES = 4;
/** How often pending questions are checked against their deadline. */
const SWEEP_INTERVAL_MS = 25;
/** DNS ids are 16 bits (RFC 1035 4.1.1); ids are unique per socket among pending questions. */
const DNS_ID_SPACE = 0x10000;
/** At most this share of a socket's id space pending at once, so a free random id is found fast. */
const MAX_ID_SPACE_SHARE = 0.5;
/** Draws of a random id before giving up (the share above makes this practically unreachable). */
const MAX_ID_DRAWS = 64;
/** Socket receive buffer asked for (the kernel caps it at net.core.rmem_max). */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;
/** EDNS0 UDP payload advertised, as stub resolvers do (DNS Flag Day 2020 value). RFC 6891 6.2.5 */
const EDNS_UDP_PAYLOAD = 1232;
const DNS_HEADER_BYTES = 12;
const FLAG_RD = 0x0100; // RFC 1035 4.1.1
const FLAG_QR_HIGH_BYTE = 0x80;
const TYPE_OPT = 41; // RFC 6891 6.1.2
const CLASS_IN = 1;
/** RFC 1035 2.3.4 */
const MAX_LABEL_BYTES = 63;
const MAX_NAME_WIRE_BYTES = 255;

/** Type names as the lab logs them (dns-packet's names; `UNKNOWN_n` for others). */
const TYPE_CODES: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  TLSA: 52,
  SPF: 99,
  CAA: 257,
};

export interface ReplayQuestion {
  name: string;
  type: string;
}

export interface ReplayOptions {
  host: string;
  port: number;
  inFlight?: number;
  sockets?: number;
  timeoutMs?: number;
  tries?: number;
  /** Called with the number of questions finished (answered or given up) so far. */
  onProgress?: (finished: number) => void;
}

export interface ReplayResult {
  questions: number;
  answered: number;
  /** Questions given up after `tries` sends. */
  unanswered: number;
  /** Packets sent (retries included). */
  sent: number;
  /** Sends after a timeout. */
  retries: number;
  /** Answers whose id matched nothing pending (late answers to a question already retried). */
  stray: number;
  elapsedMs: number;
  /** The settings used. */
  inFlight: number;
  sockets: number;
  timeoutMs: number;
  tries: number;
}

/** Numeric type of a type name (`TXT`, `UNKNOWN_65280`...), or undefined. */
export function typeCode(type: string): number | undefined {
  const known = TYPE_CODES[type.toUpperCase()];
  if (known !== undefined) return known;
  const m = /^(?:UNKNOWN_|TYPE)(\d{1,5})$/i.exec(type);
  const n = m ? Number(m[1]) : Number.NaN;
  return Number.isInteger(n) && n > 0 && n < DNS_ID_SPACE ? n : undefined;
}

/** Wire form of a name (no trailing dot needed), or undefined when it cannot be asked. */
export function encodeName(name: string): Buffer | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  if (trimmed !== '') {
    for (const label of trimmed.split('.')) {
      const bytes = Buffer.from(label, 'utf8');
      if (bytes.length === 0 || bytes.length > MAX_LABEL_BYTES) return undefined;
      parts.push(Buffer.from([bytes.length]), bytes);
    }
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  return wire.length <= MAX_NAME_WIRE_BYTES ? wire : undefined;
}

/**
 * One recursive query (RD) for the question, with an EDNS0 OPT record (RFC 6891 6.1.2).
 * `question` is the name's wire form followed by QTYPE and QCLASS, made once per question.
 */
export function encodeQuery(id: number, question: Buffer): Buffer {
  const msg = Buffer.alloc(DNS_HEADER_BYTES + question.length + 11);
  msg.writeUInt16BE(id, 0);
  msg.writeUInt16BE(FLAG_RD, 2);
  msg.writeUInt16BE(1, 4); // QDCOUNT
  msg.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  question.copy(msg, DNS_HEADER_BYTES);
  const opt = DNS_HEADER_BYTES + question.length;
  msg[opt] = 0; // root owner
  msg.writeUInt16BE(TYPE_OPT, opt + 1);
  msg.writeUInt16BE(EDNS_UDP_PAYLOAD, opt + 3); // CLASS: the requestor's payload size
  return msg;
}

/** QNAME + QTYPE + QCLASS of a question, or undefined when it cannot be asked. */
export function encodeQuestion(q: ReplayQuestion): Buffer | undefined {
  const name = encodeName(q.name);
  const code = typeCode(q.type);
  if (!name || code === undefined) return undefined;
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(code, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([name, tail]);
}

/** Questions read from the lab's dump: one `TYPE<TAB>name` per line. */
export function parseQuestions(text: string): ReplayQuestion[] {
  const out: ReplayQuestion[] = [];
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    out.push({ type: line.slice(0, tab), name: line.slice(tab + 1) });
  }
  return out;
}

interface Pending {
  /** QNAME + QTYPE + QCLASS, encoded when the question is first sent (not all up front). */
  question: Buffer;
  socket: number;
  id: number;
  deadline: number;
  sends: number;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer`);
  return value;
}

/** Asks every question once answered (or given up), `inFlight` at a time. */
export async function replay(
  questions: readonly ReplayQuestion[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const inFlight = positiveInteger(options.inFlight ?? DEFAULT_REPLAY_IN_FLIGHT, 'inFlight');
  const socketCount = positiveInteger(options.sockets ?? DEFAULT_REPLAY_SOCKETS, 'sockets');
  const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS, 'timeoutMs');
  const tries = positiveInteger(options.tries ?? DEFAULT_REPLAY_TRIES, 'tries');
  if (inFlight > socketCount * DNS_ID_SPACE * MAX_ID_SPACE_SHARE)
    throw new RangeError(`${inFlight} in flight need more than ${socketCount} sockets (16-bit ids)`);
  const result: ReplayResult = {
    questions: questions.length,
    answered: 0,
    unanswered: 0,
    sent: 0,
    retries: 0,
    stray: 0,
    elapsedMs: 0,
    inFlight,
    sockets: socketCount,
    timeoutMs,
    tries,
  };
  const type = isIPv6(options.host) ? 'udp6' : 'udp4';
  const sockets = Array.from({ length: socketCount }, () =>
    dgram.createSocket({ type, recvBufferSize: RECV_BUFFER_BYTES }),
  );
  const byId = sockets.map(() => new Map<number, Pending>());
  /** Pending questions in deadline order (one timeout for all: insertion order is deadline order). */
  const byDeadline = new Set<Pending>();
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.connect(options.port, options.host, () => {
            s.off('error', reject);
            s.on('error', () => {}); // e.g. ICMP port unreachable: the retry handles it
            resolve();
          });
        }),
    ),
  );

  let next = 0;
  let nextSocket = 0;
  let finished = 0;
  const t0 = performance.now();
  return new Promise<ReplayResult>((resolve) => {
    const done = () => {
      clearInterval(sweeper);
      result.elapsedMs = performance.now() - t0;
      for (const s of sockets) s.close();
      resolve(result);
    };
    const finish = () => {
      finished++;
      options.onProgress?.(finished);
      launch();
      if (finished === questions.length) done();
    };
    const send = (p: Pending) => {
      const ids = byId[p.socket]!;
      let id = -1;
      for (let draw = 0; draw < MAX_ID_DRAWS && id < 0; draw++) {
        const candidate = Math.floor(Math.random() * DNS_ID_SPACE);
        if (!ids.has(candidate)) id = candidate;
      }
      if (id < 0) throw new Error('no free DNS id'); // unreachable under MAX_ID_SPACE_SHARE
      p.id = id;
      p.deadline = performance.now() + timeoutMs;
      p.sends++;
      ids.set(id, p);
      byDeadline.add(p);
      result.sent++;
      sockets[p.socket]!.send(encodeQuery(id, p.question));
    };
    // Fills the window up to `inFlight` pending questions.
    const launch = () => {
      while (byDeadline.size < inFlight && next < questions.length) {
        const question = encodeQuestion(questions[next++]!);
        if (question === undefined) {
          result.unanswered++;
          finished++;
          continue;
        }
        const socket = nextSocket;
        nextSocket = (nextSocket + 1) % socketCount;
        send({ question, socket, id: -1, deadline: 0, sends: 0 });
      }
    };
    for (const [k, s] of sockets.entries()) {
      const ids = byId[k]!;
      s.on('message', (msg: Buffer) => {
        if (msg.length < DNS_HEADER_BYTES || (msg[2]! & FLAG_QR_HIGH_BYTE) === 0) return;
        const p = ids.get(msg.readUInt16BE(0));
        if (p === undefined) {
          result.stray++;
          return;
        }
        ids.delete(p.id);
        byDeadline.delete(p);
        result.answered++;
        finish();
      });
    }
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const p of byDeadline) {
        if (p.deadline > now) break;
        byDeadline.delete(p);
        byId[p.socket]!.delete(p.id);
        if (p.sends < tries) {
          result.retries++;
          send(p);
        } else {
          result.unanswered++;
          finish();
        }
      }
    }, SWEEP_INTERVAL_MS);
    launch();
    if (finished === questions.length) done();
  });
}
