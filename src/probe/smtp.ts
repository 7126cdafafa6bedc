/**
 * SMTP probe: connect, read the banner, EHLO, STARTTLS, record the TLS session and the
 * certificate chain, EHLO again over TLS, QUIT. It never sends MAIL, RCPT or DATA.
 *
 * Certificate verification is measured, never switched off: the handshake does not abort
 * on a bad certificate (we want to report it), but `authorized`/`authorizationError` and the
 * host name match are recorded for the checks to judge.
 *
 * Every wait has its own deadline (connect, banner, each reply, the handshake, QUIT) and the
 * whole probe has one too; reply lines, lines per reply and bytes per connection are capped.
 * The result is plain JSON so it can go into a check's evidence.
 */

import { setMaxListeners } from 'node:events';
import { isIP, Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import * as tls from 'node:tls';
import pLimit from 'p-limit';
import { type CertInfo, describeChain } from './certificate.js';
import { NetworkGate, SMTP_DEFAULT_NETWORK_GAP_MS, SMTP_DEFAULT_PER_NETWORK } from './smtp-politeness.js';

// ---- limits -------------------------------------------------------------------------------

export const SMTP_DEFAULT_PORT = 25; // RFC 5321 4.5.4.2 (well-known port)
/** RFC 5321 4.5.3.1.5 allows 512 octets per reply line; we tolerate longer lines up to this cap. */
export const SMTP_MAX_REPLY_LINE_BYTES = 4096;
/** Lines of one (multi-line, RFC 5321 4.2.1) reply; a banner of endless `220-` lines stops here. */
export const SMTP_MAX_REPLY_LINES = 100;
/** Bytes read from one connection (plain text or TLS), all replies together. */
export const SMTP_MAX_CONNECTION_BYTES = 64 * 1024;
export const SMTP_CONNECT_TIMEOUT_MS = 5_000;
/** RFC 5321 4.5.3.2.1 suggests a 5-minute greeting timeout for MTAs; a probe waits less. */
export const SMTP_BANNER_TIMEOUT_MS = 10_000;
/** Per reply (EHLO, STARTTLS): RFC 5321 4.5.3.2 suggests minutes; a probe waits less. */
export const SMTP_REPLY_TIMEOUT_MS = 10_000;
export const SMTP_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** The 221 answer to QUIT (RFC 5321 4.1.1.10) is a courtesy: we do not wait long. */
export const SMTP_QUIT_TIMEOUT_MS = 1_000;
/** The whole probe of one host. */
export const SMTP_PROBE_TIMEOUT_MS = 45_000;
/** Certificates recorded from the presented chain (leaf first). */
export const SMTP_MAX_CHAIN_LENGTH = 10;
export const SMTP_DEFAULT_MAX_CONCURRENT = 4;
/** Longest error detail kept (server text can be hostile). */
const MAX_DETAIL_CHARS = 300;

// ---- result shape (the evidence contract) -------------------------------------------------

/** Certificates are described in certificate.ts, shared with the HTTPS fetcher. */
export { type CertInfo, describeCertificate, dnsNamesFromSan } from './certificate.js';

export interface SmtpCapabilities {
  starttls: boolean;
  /** RFC 1870 SIZE parameter; 0 means "no fixed limit"; absent when not advertised or without a number. */
  size?: number;
  pipelining: boolean;
  eightBitMime: boolean;
  smtpUtf8: boolean;
  requireTls: boolean;
  /** EHLO keyword lines after the greeting line, as sent. */
  raw: string[];
}

export type SmtpErrorKind =
  | 'connect-refused'
  | 'connect-timeout'
  | 'dns'
  | 'banner-timeout'
  | 'reply-timeout'
  | 'closed'
  | 'garbage'
  | 'too-long'
  | 'tls-handshake'
  | 'rejected';

export type SmtpStage = 'connect' | 'banner' | 'ehlo' | 'starttls' | 'tls' | 'ehlo-tls' | 'quit';

export interface SmtpProbeError {
  kind: SmtpErrorKind;
  detail: string;
  stage: SmtpStage;
}

export interface SmtpTlsInfo {
  /** 'TLSv1.3', 'TLSv1.2', ... */
  protocol: string;
  cipher: string;
  /** Leaf first, as presented (and completed by the verifier where it could). */
  chain: CertInfo[];
  /** The chain verifies against the system CAs (or the `ca` given for labs). */
  authorized: boolean;
  /** OpenSSL's code, e.g. 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT'. */
  authorizationError?: string;
  /** The leaf is valid for the probed host name (tls.checkServerIdentity). */
  hostnameMatches: boolean;
  hostnameError?: string;
}

export interface SmtpProbeResult {
  host: string;
  port: number;
  /** IP address connected to. */
  address?: string;
  connected: boolean;
  /**
   * Set when the probe could not complete. 'connect-refused' | 'connect-timeout' | 'dns' mean
   * "could not measure" (port 25 may be blocked from here), never "no TLS".
   */
  error?: SmtpProbeError;
  banner?: { code: number; lines: string[] };
  ehlo?: { code: number; lines: string[]; capabilities: SmtpCapabilities };
  starttls?: { offered: boolean; code?: number; text?: string; ok: boolean };
  tls?: SmtpTlsInfo;
  ehloAfterTls?: { code: number; lines?: string[]; capabilities: SmtpCapabilities };
  durationMs: number;
}

export interface SmtpTimeouts {
  connectMs: number;
  bannerMs: number;
  replyMs: number;
  tlsMs: number;
  quitMs: number;
  /** The whole probe. */
  totalMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: Readonly<SmtpTimeouts> = {
  connectMs: SMTP_CONNECT_TIMEOUT_MS,
  bannerMs: SMTP_BANNER_TIMEOUT_MS,
  replyMs: SMTP_REPLY_TIMEOUT_MS,
  tlsMs: SMTP_TLS_HANDSHAKE_TIMEOUT_MS,
  quitMs: SMTP_QUIT_TIMEOUT_MS,
  totalMs: SMTP_PROBE_TIMEOUT_MS,
};

export interface SmtpProbeOptions {
  port?: number;
  /** EHLO argument; default: this machine's FQDN, else an address literal of our socket. */
  heloName?: string;
  timeouts?: Partial<SmtpTimeouts>;
  /** PEM CA certificate(s) replacing the system CAs (labs, --ca-file). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Connect to this address instead of resolving `host` (labs; or an address the caller resolved). */
  address?: string;
  /** Name for SNI and the certificate name check; default `host`. */
  servername?: string;
  signal?: AbortSignal;
}

// ---- internals ----------------------------------------------------------------------------

/** Exported for the fuzz tests (test/fuzz/smtp.test.ts), the only error a reply read may throw. */
export class ProbeFailure extends Error {
  constructor(
    readonly kind: SmtpErrorKind,
    readonly stage: SmtpStage,
    readonly detail: string,
  ) {
    super(`${kind} at ${stage}: ${detail}`);
  }
}

function clip(s: string): string {
  return s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS)}...` : s;
}

export interface Reply {
  code: number;
  lines: string[];
}

/** RFC 5321 4.2: Reply-code [ SP / "-" textstring ] CRLF. */
const REPLY_LINE = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s;

type WakeReason = 'event' | 'timeout' | 'aborted';

/** Reads SMTP replies from one socket, bounded in line length, lines and total bytes. */
export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);
  private received = 0;
  private overflow = false;
  private ended: string | undefined;
  private wake: ((r: WakeReason) => void) | undefined;

  constructor(private readonly sock: Socket) {
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onClose);
    sock.on('error', this.onError);
  }

  detach(): void {
    this.sock.off('data', this.onData);
    this.sock.off('end', this.onEnd);
    this.sock.off('close', this.onClose);
    this.sock.off('error', this.onError);
    this.buf = Buffer.alloc(0);
  }

  private readonly onData = (d: Buffer): void => {
    this.received += d.length;
    if (this.received > SMTP_MAX_CONNECTION_BYTES) {
      this.overflow = true;
      this.sock.pause();
    } else {
      this.buf = Buffer.concat([this.buf, d]);
    }
    this.notify('event');
  };
  private readonly onEnd = (): void => {
    this.ended ??= 'connection closed by the server';
    this.notify('event');
  };
  private readonly onClose = (): void => {
    this.ended ??= 'connection closed';
    this.notify('event');
  };
  private readonly onError = (e: Error & { code?: string }): void => {
    this.ended ??= `connection error: ${e.code ?? e.message}`;
    this.notify('event');
  };

  private notify(r: WakeReason): void {
    const w = this.wake;
    this.wake = undefined;
    w?.(r);
  }

  /** One line without its CRLF (a bare LF is tolerated), or undefined when none is complete. */
  private takeLine(stage: SmtpStage): string | undefined {
    const nl = this.buf.indexOf(0x0a);
    if (nl < 0) {
      if (this.buf.length > SMTP_MAX_REPLY_LINE_BYTES)
        throw new ProbeFailure(
          'too-long',
          stage,
          `reply line longer than ${SMTP_MAX_REPLY_LINE_BYTES} bytes`,
        );
      return undefined;
    }
    if (nl > SMTP_MAX_REPLY_LINE_BYTES)
      throw new ProbeFailure('too-long', stage, `reply line longer than ${SMTP_MAX_REPLY_LINE_BYTES} bytes`);
    const end = nl > 0 && this.buf[nl - 1] === 0x0d ? nl - 1 : nl;
    const line = this.buf.subarray(0, end).toString('utf8');
    this.buf = this.buf.subarray(nl + 1);
    return line;
  }

  /** Drops anything the server sent ahead (e.g. injected after the STARTTLS reply). */
  pending(): number {
    return this.buf.length;
  }

  async read(
    stage: SmtpStage,
    until: number,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Reply> {
    const lines: string[] = [];
    let code: number | undefined;
    for (;;) {
      const line = this.takeLine(stage);
      if (line !== undefined) {
        const m = REPLY_LINE.exec(line);
        if (!m)
          throw new ProbeFailure('garbage', stage, `not an SMTP reply line: ${JSON.stringify(clip(line))}`);
        const lineCode = Number(m[1]);
        if (code !== undefined && lineCode !== code)
          throw new ProbeFailure(
            'garbage',
            stage,
            `reply code changed from ${code} to ${lineCode} within one reply`,
          );
        code = lineCode;
        lines.push(m[3] ?? '');
        if (m[2] !== '-') return { code, lines };
        if (lines.length >= SMTP_MAX_REPLY_LINES)
          throw new ProbeFailure('too-long', stage, `reply longer than ${SMTP_MAX_REPLY_LINES} lines`);
        continue;
      }
      if (this.overflow)
        throw new ProbeFailure(
          'too-long',
          stage,
          `more than ${SMTP_MAX_CONNECTION_BYTES} bytes from the server`,
        );
      if (this.ended !== undefined) {
        const got = lines.length > 0 || this.buf.length > 0 ? ' in the middle of a reply' : '';
        throw new ProbeFailure('closed', stage, `${this.ended}${got}`);
      }
      const why = await this.waitEvent(until, signal);
      if (why !== 'event') {
        const kind = stage === 'banner' ? 'banner-timeout' : 'reply-timeout';
        const partial = lines.length > 0 ? ` (after ${lines.length} line(s) of an unfinished reply)` : '';
        const what = why === 'aborted' ? 'probe aborted' : `no complete reply within ${timeoutMs} ms`;
        throw new ProbeFailure(kind, stage, `${what}${partial}`);
      }
    }
  }

  private waitEvent(until: number, signal: AbortSignal | undefined): Promise<WakeReason> {
    if (signal?.aborted) return Promise.resolve('aborted');
    const ms = until - Date.now();
    if (ms <= 0) return Promise.resolve('timeout');
    return new Promise<WakeReason>((resolve) => {
      const timer = setTimeout(() => this.notify('timeout'), ms);
      const onAbort = (): void => this.notify('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = (r) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
    });
  }
}

function emptyCapabilities(): SmtpCapabilities {
  return {
    starttls: false,
    pipelining: false,
    eightBitMime: false,
    smtpUtf8: false,
    requireTls: false,
    raw: [],
  };
}

/** EHLO keywords (RFC 5321 4.1.1.1): the lines after the greeting line. */
export function parseEhloCapabilities(lines: readonly string[]): SmtpCapabilities {
  const caps = emptyCapabilities();
  for (const line of lines.slice(1)) {
    caps.raw.push(line);
    const [keyword = '', ...params] = line.trim().split(/\s+/);
    switch (keyword.toUpperCase()) {
      case 'STARTTLS':
        caps.starttls = true;
        break;
      case 'SIZE': {
        const n = params[0];
        if (n !== undefined && /^\d{1,15}$/.test(n)) caps.size = Number(n);
        break;
      }
      case 'PIPELINING':
        caps.pipelining = true;
        break;
      case '8BITMIME':
        caps.eightBitMime = true;
        break;
      case 'SMTPUTF8':
        caps.smtpUtf8 = true;
        break;
      case 'REQUIRETLS':
        caps.requireTls = true;
        break;
    }
  }
  return caps;
}

function normalizeHost(host: string): string {
  return host.trim().replace(/\.$/, '').toLowerCase();
}

function defaultHeloName(sock: Socket): string {
  const h = osHostname();
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(h)) return h;
  const local = sock.localAddress ?? '127.0.0.1';
  // RFC 5321 4.1.3 address literal
  return isIP(local) === 6 ? `[IPv6:${local}]` : `[${local}]`;
}

function checkHeloName(name: string): void {
  // A space or line break would inject commands (RFC 5321 4.1.1.1: one Domain or address-literal).
  if (!/^[\x21-\x7e]{1,255}$/.test(name)) throw new TypeError(`invalid EHLO name: ${JSON.stringify(name)}`);
}

const CONNECT_REFUSED = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

function connectSocket(
  host: string,
  /** 'host:port' or 'host:port (at address)', for messages. */
  label: string,
  port: number,
  timeoutMs: number,
  until: number,
  signal: AbortSignal | undefined,
): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const sock = new Socket();
    sock.on('error', () => {}); // errors are read by whoever listens at the time; never crash
    const ms = Math.max(0, Math.min(timeoutMs, until - Date.now()));
    const done = (err?: ProbeFailure): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.off('connect', onConnect);
      sock.off('error', onError);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onConnect = (): void => done();
    const onError = (e: Error & { code?: string }): void => {
      const code = e.code ?? '';
      const target = label;
      const blocked = `; port ${port} may be blocked from here`;
      if (DNS_ERRORS.has(code)) done(new ProbeFailure('dns', 'connect', `cannot resolve ${host} (${code})`));
      else if (CONNECT_REFUSED.has(code))
        done(
          new ProbeFailure(
            'connect-refused',
            'connect',
            `could not connect to ${target} (${code})${blocked}`,
          ),
        );
      else if (code === 'ETIMEDOUT')
        done(
          new ProbeFailure(
            'connect-timeout',
            'connect',
            `could not connect to ${target} (${code})${blocked}`,
          ),
        );
      else
        done(
          new ProbeFailure(
            'connect-refused',
            'connect',
            `could not connect to ${target}: ${code || e.message}`,
          ),
        );
    };
    const onAbort = (): void =>
      done(new ProbeFailure('connect-timeout', 'connect', 'probe aborted while connecting'));
    const timer = setTimeout(
      () =>
        done(
          new ProbeFailure(
            'connect-timeout',
            'connect',
            `could not connect to ${label} within ${ms} ms; port ${port} may be blocked from here`,
          ),
        ),
      ms,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', onConnect);
    sock.on('error', onError);
    sock.connect({ host, port });
  });
}

function startTls(
  raw: Socket,
  options: { servername?: string; ca?: SmtpProbeOptions['ca'] },
  timeoutMs: number,
  until: number,
  signal: AbortSignal | undefined,
): Promise<tls.TLSSocket> {
  return new Promise<tls.TLSSocket>((resolve, reject) => {
    const connectOptions: tls.ConnectionOptions = {
      socket: raw,
      rejectUnauthorized: false, // recorded below, not enforced: we report bad certificates
      checkServerIdentity: () => undefined, // names are checked separately (hostnameMatches)
      minVersion: 'TLSv1', // so that old servers are measured (and reported), if OpenSSL allows
    };
    if (options.servername) connectOptions.servername = options.servername;
    if (options.ca !== undefined) connectOptions.ca = options.ca;
    const sock = tls.connect(connectOptions);
    sock.on('error', () => {});
    const ms = Math.max(0, Math.min(timeoutMs, until - Date.now()));
    const done = (err?: ProbeFailure): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.off('secureConnect', onSecure);
      sock.off('error', onError);
      sock.off('close', onClose);
      if (err) {
        sock.destroy();
        raw.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onSecure = (): void => done();
    const onError = (e: Error & { code?: string }): void =>
      done(new ProbeFailure('tls-handshake', 'tls', clip(`${e.code ? `${e.code}: ` : ''}${e.message}`)));
    const onClose = (): void =>
      done(new ProbeFailure('tls-handshake', 'tls', 'connection closed during the TLS handshake'));
    const onAbort = (): void =>
      done(new ProbeFailure('tls-handshake', 'tls', 'probe aborted during the TLS handshake'));
    const timer = setTimeout(
      () => done(new ProbeFailure('tls-handshake', 'tls', `no TLS handshake within ${ms} ms`)),
      ms,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('secureConnect', onSecure);
    sock.on('error', onError);
    sock.once('close', onClose);
  });
}

function tlsInfo(sock: tls.TLSSocket, name: string): SmtpTlsInfo {
  const peer = sock.getPeerCertificate(true);
  const chain = peer && Object.keys(peer).length > 0 ? describeChain(peer, SMTP_MAX_CHAIN_LENGTH) : [];
  const info: SmtpTlsInfo = {
    protocol: sock.getProtocol() ?? 'unknown',
    cipher: sock.getCipher()?.name ?? 'unknown',
    chain,
    authorized: sock.authorized,
    hostnameMatches: false,
  };
  if (!sock.authorized) info.authorizationError = String(sock.authorizationError ?? 'not authorized');
  if (chain.length === 0) {
    info.hostnameError = 'no certificate presented';
  } else {
    const err = tls.checkServerIdentity(name, peer);
    if (err) info.hostnameError = clip(err.message);
    else info.hostnameMatches = true;
  }
  return info;
}

function mergeTimeouts(t: Partial<SmtpTimeouts> | undefined): SmtpTimeouts {
  return { ...DEFAULT_SMTP_TIMEOUTS, ...t };
}

// ---- the probe ----------------------------------------------------------------------------

/**
 * Probes one SMTP server. Never throws for network outcomes (they are in `error`); throws
 * only on a usage error (an EHLO name with spaces or line breaks).
 */
export async function probeSmtp(host: string, options: SmtpProbeOptions = {}): Promise<SmtpProbeResult> {
  const started = Date.now();
  const t = mergeTimeouts(options.timeouts);
  const until = started + t.totalMs;
  const port = options.port ?? SMTP_DEFAULT_PORT;
  const signal = options.signal;
  if (options.heloName !== undefined) checkHeloName(options.heloName);
  const name = normalizeHost(options.servername ?? host);
  const result: SmtpProbeResult = { host: normalizeHost(host), port, connected: false, durationMs: 0 };

  let raw: Socket | undefined;
  let secure: tls.TLSSocket | undefined;
  let reader: ReplyReader | undefined;
  let stage: SmtpStage = 'connect';
  const read = (timeoutMs: number): Promise<Reply> =>
    reader!.read(stage, Math.min(Date.now() + timeoutMs, until), signal, timeoutMs);
  const send = (line: string): void => {
    (secure ?? raw)!.write(`${line}\r\n`);
  };

  try {
    const address = options.address ?? result.host;
    const label = address === result.host ? `${address}:${port}` : `${result.host}:${port} (at ${address})`;
    raw = await connectSocket(address, label, port, t.connectMs, until, signal);
    result.connected = true;
    if (raw.remoteAddress) result.address = raw.remoteAddress;
    reader = new ReplyReader(raw);

    stage = 'banner';
    const banner = await read(t.bannerMs);
    result.banner = banner;
    if (banner.code !== 220)
      throw new ProbeFailure('rejected', 'banner', clip(`${banner.code} ${banner.lines.join(' ')}`));

    stage = 'ehlo';
    const helo = options.heloName ?? defaultHeloName(raw);
    send(`EHLO ${helo}`);
    const ehlo = await read(t.replyMs);
    const caps = ehlo.code === 250 ? parseEhloCapabilities(ehlo.lines) : emptyCapabilities();
    result.ehlo = { code: ehlo.code, lines: ehlo.lines, capabilities: caps };
    if (ehlo.code !== 250)
      throw new ProbeFailure('rejected', 'ehlo', clip(`${ehlo.code} ${ehlo.lines.join(' ')}`));

    if (!caps.starttls) {
      result.starttls = { offered: false, ok: false };
    } else {
      stage = 'starttls';
      send('STARTTLS');
      const st = await read(t.replyMs);
      const ok = st.code === 220;
      result.starttls = { offered: true, code: st.code, text: clip(st.lines.join(' ')), ok };
      if (!ok) throw new ProbeFailure('rejected', 'starttls', clip(`${st.code} ${st.lines.join(' ')}`));
      // RFC 3207 5: anything the server sent after its 220 belongs to no one; drop it.
      reader.detach();
      reader = undefined;

      stage = 'tls';
      const sni = isIP(name) === 0 && name.length > 0 ? name : undefined;
      secure = await startTls(raw, { servername: sni, ca: options.ca }, t.tlsMs, until, signal);
      result.tls = tlsInfo(secure, name);
      reader = new ReplyReader(secure);

      stage = 'ehlo-tls';
      send(`EHLO ${helo}`);
      const again = await read(t.replyMs);
      const capsTls = again.code === 250 ? parseEhloCapabilities(again.lines) : emptyCapabilities();
      result.ehloAfterTls = { code: again.code, lines: again.lines, capabilities: capsTls };
      if (again.code !== 250)
        throw new ProbeFailure('rejected', 'ehlo-tls', clip(`${again.code} ${again.lines.join(' ')}`));
    }

    stage = 'quit';
    try {
      send('QUIT');
      await read(t.quitMs);
    } catch {
      // The 221 is a courtesy; a server that hangs up or stays silent here is fine.
    }
  } catch (e) {
    if (!(e instanceof ProbeFailure)) throw e;
    result.error = { kind: e.kind, stage: e.stage, detail: e.detail };
    // After a refusal the session is still usable: say goodbye (briefly, RFC 5321 4.1.1.10).
    if (e.kind === 'rejected' && reader && (secure ?? raw)?.writable) {
      stage = 'quit';
      try {
        send('QUIT');
        await read(t.quitMs);
      } catch {
        // the 221 is a courtesy
      }
    }
  } finally {
    reader?.detach();
    result.durationMs = Date.now() - started;
    // Returned once the sockets have closed, not merely been told to: the prober's politeness
    // (connections open at once per network) counts a connection until then. The 'close' comes
    // a turn or more later (later still on a busy event loop), and the next probe of the /24
    // had connected before it (seen in the --smtp benchmark: 3 open at once, limit 2).
    await Promise.all([secure ? destroyed(secure) : undefined, raw ? destroyed(raw) : undefined]);
  }
  return result;
}

/** The longest wait for a destroyed socket's 'close'. */
const SOCKET_CLOSE_WAIT_MS = 1000;

/**
 * Destroys `sock` and resolves once it has emitted 'close' (or after SOCKET_CLOSE_WAIT_MS). A
 * socket may count as closed while its 'close' event still waits on the tick queue (a socket
 * whose connection a TLS socket took over has no handle of its own to close): then one more
 * tick, queued behind that event.
 */
function destroyed(sock: Socket): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      resolve();
    };
    if (sock.closed) {
      process.nextTick(finish);
      return;
    }
    timer = setTimeout(finish, SOCKET_CLOSE_WAIT_MS);
    timer.unref();
    sock.once('close', () => process.nextTick(finish));
    sock.destroy();
  });
}

// ---- the prober: cache and concurrency for one run ---------------------------------------

export interface SmtpProber {
  probe(host: string, opts?: { signal?: AbortSignal; servername?: string }): Promise<SmtpProbeResult>;
}

export interface SmtpProberOptions {
  port?: number;
  heloName?: string;
  timeouts?: Partial<SmtpTimeouts>;
  /** PEM CA certificate(s) replacing the system CAs (--ca-file). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Global limit of simultaneous probes. */
  maxConcurrent?: number;
  /** Connections at once to one IPv4 /24 or IPv6 /64 (smtp-politeness.ts; default 2). */
  perNetwork?: number;
  /** Least time between two connection starts to one /24 or /64, ms (default 100). */
  networkGapMs?: number;
  /**
   * Address to connect to for a host (labs map names to 127.0.0.x; the CLI may resolve with
   * the project's resolver). Undefined means "cannot resolve" (error kind 'dns'). Without
   * this option the operating system resolves the host.
   */
  resolveAddress?: (host: string) => Promise<string | undefined>;
  /**
   * Where this run may connect (the demo and labs: loopback only). A host whose address is
   * refused is not contacted; its result is a connect error, i.e. "could not measure".
   */
  allowAddress?: (address: string) => boolean;
}

export interface SmtpProberStats {
  /** Probes actually run (connections attempted). */
  probes: number;
  /** Requests answered from the run cache (or joined to a probe in flight). */
  cacheHits: number;
}

export interface RunSmtpProber extends SmtpProber {
  stats(): SmtpProberStats;
  /** Aborts probes in flight (they finish with a timeout error); later probes connect nowhere. */
  close(): void;
}

const ABORTED_DETAIL = 'probe aborted before it finished';
const CLOSED_DETAIL = 'not probed: the prober was closed';

function abortedResult(
  host: string,
  port: number,
  started: number,
  detail = ABORTED_DETAIL,
): SmtpProbeResult {
  return {
    host: normalizeHost(host),
    port,
    connected: false,
    error: { kind: 'connect-timeout', stage: 'connect', detail },
    durationMs: Date.now() - started,
  };
}

/**
 * One prober per run: results are cached per host:port (the promise is stored, so several
 * domains sharing an MX cause one connection), at most one connection per host at a time,
 * at most `perNetwork` at once and one start per `networkGapMs` to one /24 or /64
 * (smtp-politeness.ts), and at most `maxConcurrent` probes overall.
 */
export function createSmtpProber(options: SmtpProberOptions = {}): RunSmtpProber {
  const port = options.port ?? SMTP_DEFAULT_PORT;
  if (options.heloName !== undefined) checkHeloName(options.heloName);
  const limit = pLimit(Math.max(1, options.maxConcurrent ?? SMTP_DEFAULT_MAX_CONCURRENT));
  const gate = new NetworkGate(
    options.perNetwork ?? SMTP_DEFAULT_PER_NETWORK,
    options.networkGapMs ?? SMTP_DEFAULT_NETWORK_GAP_MS,
  );
  const cache = new Map<string, Promise<SmtpProbeResult>>();
  const perHost = new Map<string, Promise<unknown>>();
  const lifetime = new AbortController();
  // Every probe in flight and every wait for a network turn listens on this one signal (and
  // removes its listener when done): a fleet run has more than Node's default 10 of them.
  setMaxListeners(0, lifetime.signal);
  const stats: SmtpProberStats = { probes: 0, cacheHits: 0 };

  async function run(host: string, servername: string | undefined): Promise<SmtpProbeResult> {
    const started = Date.now();
    let address: string | undefined;
    if (options.resolveAddress) {
      try {
        address = await options.resolveAddress(host);
      } catch (e) {
        address = undefined;
        void e;
      }
      if (address === undefined) {
        return {
          host,
          port,
          connected: false,
          error: { kind: 'dns', stage: 'connect', detail: `no address found for ${host}` },
          durationMs: Date.now() - started,
        };
      }
    }
    const target = address ?? (isIP(host) !== 0 ? host : undefined);
    if (options.allowAddress && (target === undefined || !options.allowAddress(target))) {
      return {
        host,
        port,
        connected: false,
        error: {
          kind: 'connect-refused',
          stage: 'connect',
          detail: `not probed: ${target ?? host} is outside the addresses this run may contact`,
        },
        durationMs: Date.now() - started,
      };
    }
    const probeOptions: SmtpProbeOptions = { port, signal: lifetime.signal };
    if (options.heloName !== undefined) probeOptions.heloName = options.heloName;
    if (options.timeouts !== undefined) probeOptions.timeouts = options.timeouts;
    if (options.ca !== undefined) probeOptions.ca = options.ca;
    if (address !== undefined) probeOptions.address = address;
    if (servername !== undefined) probeOptions.servername = servername;
    // Politeness: a turn at the destination's network first (this wait holds no overall
    // slot), then one of the run's overall slots.
    const release = await gate.acquire(target ?? host, lifetime.signal);
    if (!release) return abortedResult(host, port, started, CLOSED_DETAIL);
    try {
      return await limit(() => {
        stats.probes++;
        return probeSmtp(host, probeOptions);
      });
    } finally {
      release();
    }
  }

  function schedule(host: string, servername: string | undefined): Promise<SmtpProbeResult> {
    // One connection per host at a time: chain behind the previous probe of this host.
    const before = perHost.get(host) ?? Promise.resolve();
    const mine = before.then(() => run(host, servername));
    const tail = mine.catch(() => undefined);
    perHost.set(host, tail);
    void tail.then(() => {
      if (perHost.get(host) === tail) perHost.delete(host);
    });
    return mine;
  }

  return {
    probe(hostIn, opts = {}) {
      const started = Date.now();
      const host = normalizeHost(hostIn);
      // A closed prober contacts no one (a check that overran its deadline may still ask).
      if (lifetime.signal.aborted) return Promise.resolve(abortedResult(host, port, started, CLOSED_DETAIL));
      const servername = opts.servername === undefined ? undefined : normalizeHost(opts.servername);
      const key = `${host}:${port}|${servername ?? host}`;
      let promise = cache.get(key);
      if (promise) stats.cacheHits++;
      else {
        promise = schedule(host, servername);
        cache.set(key, promise);
      }
      const signal = opts.signal;
      if (!signal) return promise;
      if (signal.aborted) return Promise.resolve(abortedResult(host, port, started));
      // The shared probe goes on for other callers; this caller stops waiting.
      return new Promise<SmtpProbeResult>((resolve, reject) => {
        const onAbort = (): void => resolve(abortedResult(host, port, started));
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(
          (r) => {
            signal.removeEventListener('abort', onAbort);
            resolve(r);
          },
          (e: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    },
    stats: () => ({ ...stats }),
    close: () => lifetime.abort(),
  };
}
