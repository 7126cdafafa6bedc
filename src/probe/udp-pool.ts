/**
 * A few long-lived UDP sockets per DNS server, questions multiplexed on them by id, as stub
 * resolvers do (RFC 5452 9.2: random ids and random source ports). One socket per question
 * cost about 15% of a fleet run's CPU (create, connect, send, close).
 *
 * - Each socket is connected to its server: the kernel delivers only that server's datagrams
 *   (an off-path spoofer must also match the source address and port) and reports ICMP port
 *   unreachable as an error, which fails the questions waiting on that socket at once.
 * - Sockets bind to an ephemeral port the kernel picks; each retires after
 *   MAX_QUESTIONS_PER_SOCKET questions (a fresh random port) and closes once its last answer is
 *   in, so a long run's source ports keep changing.
 * - Ids are drawn at random among those not in flight on the socket; an answer is matched on
 *   its id and then on its question (name, type, class: `parseResponse`). Anything else is
 *   ignored and the question keeps waiting until its timeout (a spoofed or stale answer never
 *   ends it).
 * - Idle sockets are unref'd and close after IDLE_CLOSE_MS: a pool never keeps a process alive.
 */

import { randomFillSync } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

/** Questions in flight on one socket before the pool opens another. */
export const QUESTIONS_IN_FLIGHT_PER_SOCKET = 128;
/** Sockets per server at most (1,000+ questions in flight fit in 4). */
export const MAX_SOCKETS_PER_SERVER = 32;
/** Questions one socket carries before it retires (its source port changes). */
export const MAX_QUESTIONS_PER_SOCKET = 10_000;
/** A socket without a question in flight for this long is closed. */
export const IDLE_CLOSE_MS = 2_000;
/** DNS ids are 16 bits. RFC 1035 4.1.1 */
const ID_SPACE = 0x10000;
/** Random bytes drawn at once for ids (crypto per id was ~0.5% of a run's CPU). */
const RANDOM_POOL_BYTES = 4096;

export interface PoolServer {
  host: string;
  port: number;
}

/** What a waiting question is told. */
export type PoolOutcome =
  | { kind: 'answer'; message: Buffer }
  | { kind: 'error'; detail: string }
  | { kind: 'closed' };

/**
 * Decides whether a datagram answers the question: 'answer' ends the wait; 'ignore' keeps
 * waiting (not ours).
 */
export type AnswerMatcher = (message: Buffer) => 'answer' | 'ignore';

interface Waiter {
  match: AnswerMatcher;
  done: (outcome: PoolOutcome) => void;
}

/**
 * Answers to hundreds of questions share a socket: while the event loop is busy they wait in
 * the socket's receive buffer, and the default (rmem_default, 208 KiB on Linux) overflowed in a
 * fleet run (answers dropped, questions timed out). Asked for more; the kernel caps it at
 * net.core.rmem_max, and a refusal leaves the default.
 */
export const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

function growReceiveBuffer(socket: dgram.Socket): void {
  try {
    if (socket.getRecvBufferSize() < RECEIVE_BUFFER_BYTES) socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  } catch {
    // not allowed here: the default stays
  }
}

class RandomIds {
  private readonly bytes = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
  private pos = RANDOM_POOL_BYTES;

  next(): number {
    if (this.pos + 2 > RANDOM_POOL_BYTES) {
      randomFillSync(this.bytes);
      this.pos = 0;
    }
    const id = this.bytes.readUInt16BE(this.pos);
    this.pos += 2;
    return id;
  }
}

export interface UdpPoolOptions {
  /** Default QUESTIONS_IN_FLIGHT_PER_SOCKET. */
  questionsPerSocket?: number;
  /** Default MAX_SOCKETS_PER_SERVER. */
  maxSocketsPerServer?: number;
  /** Default MAX_QUESTIONS_PER_SOCKET. */
  questionsPerSocketLifetime?: number;
  /** Default IDLE_CLOSE_MS. */
  idleCloseMs?: number;
}

type PoolLimits = Required<UdpPoolOptions>;

class PooledSocket {
  readonly waiting = new Map<number, Waiter>();
  /** Questions sent on this socket so far (it retires at MAX_QUESTIONS_PER_SOCKET). */
  carried = 0;
  private readonly socket: dgram.Socket;
  private readonly ready: Promise<string | undefined>;
  private idleTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    server: PoolServer,
    private readonly limits: PoolLimits,
    private readonly onGone: (s: PooledSocket) => void,
  ) {
    this.socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    this.socket.unref();
    this.socket.on('message', (message) => this.deliver(message));
    // A connected socket's error is about its server (ICMP unreachable, network down): every
    // question on it fails the same way.
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.failAll(err.code ?? err.message));
    this.ready = new Promise((resolve) => {
      this.socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      this.socket.connect(server.port, server.host, () => {
        growReceiveBuffer(this.socket);
        resolve(undefined);
      });
    });
    // A socket that could not connect takes no more questions.
    this.ready.then((failure) => {
      if (failure === undefined) return;
      this.failAll(failure);
      this.close();
    });
  }

  /** Carried its share of questions: takes no more, closes once drained. */
  retired(): boolean {
    return this.carried >= this.limits.questionsPerSocketLifetime;
  }

  /** An id not in flight on this socket. */
  freeId(ids: RandomIds): number {
    for (;;) {
      const id = ids.next();
      if (!this.waiting.has(id)) return id;
    }
  }

  send(id: number, packet: Buffer, waiter: Waiter, onSent: () => void): void {
    this.carried++;
    this.waiting.set(id, waiter);
    this.clearIdle();
    this.ready.then((failure) => {
      if (this.waiting.get(id) !== waiter) return; // ended while the socket was connecting
      if (failure !== undefined) {
        this.finish(id, { kind: 'error', detail: failure });
        return;
      }
      onSent();
      this.socket.send(packet, (err) => {
        if (err)
          this.finish(id, { kind: 'error', detail: (err as NodeJS.ErrnoException).code ?? err.message });
      });
    });
  }

  /** Ends one question's wait (answer, error, timeout or abort from outside). */
  finish(id: number, outcome: PoolOutcome): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    waiter.done(outcome);
    this.afterRemoval();
  }

  /** Forgets a question without telling it (its caller ended the wait). */
  forget(id: number, waiter: Waiter): void {
    if (this.waiting.get(id) !== waiter) return;
    this.waiting.delete(id);
    this.afterRemoval();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearIdle();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.done({ kind: 'closed' });
    try {
      this.socket.close();
    } catch {
      // already closed
    }
    this.onGone(this);
  }

  private deliver(message: Buffer): void {
    if (message.length < 2) return;
    const id = message.readUInt16BE(0);
    const waiter = this.waiting.get(id);
    if (!waiter || waiter.match(message) === 'ignore') return;
    this.finish(id, { kind: 'answer', message });
  }

  private failAll(detail: string): void {
    const ids = [...this.waiting.keys()];
    for (const id of ids) this.finish(id, { kind: 'error', detail });
  }

  private afterRemoval(): void {
    if (this.waiting.size > 0 || this.closed) return;
    if (this.retired()) {
      this.close();
      return;
    }
    this.idleTimer = setTimeout(() => this.close(), this.limits.idleCloseMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }
}

/** A ticket for one question in flight: `cancel()` forgets it (timeout, abort). */
export interface PoolTicket {
  cancel(): void;
}

export class UdpSocketPool {
  private readonly sockets = new Map<string, PooledSocket[]>();
  private readonly ids = new RandomIds();
  private readonly limits: PoolLimits;

  constructor(options: UdpPoolOptions = {}) {
    this.limits = {
      questionsPerSocket: options.questionsPerSocket ?? QUESTIONS_IN_FLIGHT_PER_SOCKET,
      maxSocketsPerServer: options.maxSocketsPerServer ?? MAX_SOCKETS_PER_SERVER,
      questionsPerSocketLifetime: options.questionsPerSocketLifetime ?? MAX_QUESTIONS_PER_SOCKET,
      idleCloseMs: options.idleCloseMs ?? IDLE_CLOSE_MS,
    };
  }

  /**
   * Sends `packet` (its id bytes are overwritten with a fresh id) to `server`; `done` is called
   * once with the answer, a socket error, or 'closed' when the pool closes. `onSent` is called
   * when the packet goes out (for counters).
   */
  ask(
    server: PoolServer,
    packet: Buffer,
    match: AnswerMatcher,
    done: (outcome: PoolOutcome) => void,
    onSent: () => void,
  ): PoolTicket {
    const socket = this.socketFor(server);
    const id = socket.freeId(this.ids);
    packet.writeUInt16BE(id, 0);
    const waiter: Waiter = { match, done };
    socket.send(id, packet, waiter, onSent);
    return { cancel: () => socket.forget(id, waiter) };
  }

  /** Sockets open now (tests, diagnostics). */
  openSockets(): number {
    let n = 0;
    for (const list of this.sockets.values()) n += list.length;
    return n;
  }

  close(): void {
    for (const list of [...this.sockets.values()]) for (const s of [...list]) s.close();
    this.sockets.clear();
  }

  /** The least busy socket that still takes questions, or a new one while there is room. */
  private socketFor(server: PoolServer): PooledSocket {
    const key = `${server.host}|${server.port}`;
    let list = this.sockets.get(key);
    if (!list) {
      list = [];
      this.sockets.set(key, list);
    }
    let best: PooledSocket | undefined;
    let taking = 0;
    for (const s of list) {
      if (s.retired()) continue;
      taking++;
      if (!best || s.waiting.size < best.waiting.size) best = s;
    }
    const { questionsPerSocket, maxSocketsPerServer } = this.limits;
    if (best && (best.waiting.size < questionsPerSocket || taking >= maxSocketsPerServer)) {
      // A full pool still multiplexes: ids run out only at 65,536 in flight on one socket.
      if (best.waiting.size < ID_SPACE / 2) return best;
    }
    const owned = list;
    const fresh = new PooledSocket(server, this.limits, (gone) => {
      const at = owned.indexOf(gone);
      if (at >= 0) owned.splice(at, 1);
    });
    list.push(fresh);
    return fresh;
  }
}
