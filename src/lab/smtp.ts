/**
 * Loopback SMTP servers for tests, the demo and labs.
 *
 * - `startSmtpLab`: a well-behaved server (the `smtp-server` package) with STARTTLS, or
 *   without it (`starttls: false`), serving the certificate it is given (see certs.ts).
 * - `startSmtpFaultServer`: raw `node:net` servers that misbehave in one named way (slow or
 *   endless banner, garbage, a dropped or junk TLS handshake, silence, STARTTLS refused).
 *
 * Every server listens on loopback, counts its connections, and `stop()` closes it and
 * every connection it holds (timers included), so a test never leaves anything behind.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { selfSignedCert } from './certs.js';

export interface SmtpLabStats {
  /** Connections accepted since start. */
  connections: number;
  /** Most connections open at the same time. */
  maxConcurrent: number;
  /** Commands received (raw fault servers only; the lab server does not log them). */
  commands: string[];
}

export interface SmtpLabHandle {
  host: string;
  port: number;
  stats(): SmtpLabStats;
  stop(): Promise<void>;
}

export interface SmtpLabOptions {
  host?: string;
  port?: number;
  /** PEM certificate (chain: leaf first) and key for STARTTLS; default a self-signed 'localhost'. */
  cert?: string;
  key?: string;
  /** Offer STARTTLS (default true). */
  starttls?: boolean;
  /** Text of the 220 greeting after the host name. */
  banner?: string;
  /** Host name in the greeting and the EHLO reply. */
  name?: string;
  /** RFC 1870 SIZE limit to advertise (default 10 MB). */
  size?: number;
  /** Hold the greeting this long after accepting (to observe concurrency). */
  greetingDelayMs?: number;
  /** Told when a session opens and closes (tests count connections across servers). */
  onSession?: (event: 'open' | 'close') => void;
}

const DEFAULT_LAB_SIZE = 10 * 1024 * 1024;
/** Grace given to open sessions when a lab server stops. */
const LAB_CLOSE_TIMEOUT_MS = 200;

class Counter {
  connections = 0;
  open = 0;
  maxConcurrent = 0;
  commands: string[] = [];
  opened(): void {
    this.connections++;
    this.open++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.open);
  }
  closed(): void {
    this.open--;
  }
  snapshot(): SmtpLabStats {
    return { connections: this.connections, maxConcurrent: this.maxConcurrent, commands: [...this.commands] };
  }
}

/** A well-behaved SMTP server on loopback (never accepts mail for delivery: DATA is discarded). */
export async function startSmtpLab(options: SmtpLabOptions = {}): Promise<SmtpLabHandle> {
  const host = options.host ?? '127.0.0.1';
  const counter = new Counter();
  let cert = options.cert;
  let key = options.key;
  if (cert === undefined || key === undefined) {
    const self = selfSignedCert({ names: ['localhost', host] });
    cert = self.certPem;
    key = self.keyPem;
  }
  const timers = new Set<NodeJS.Timeout>();
  const server = new SMTPServer({
    secure: false,
    name: options.name ?? 'lab.mail-preflight.test',
    banner: options.banner ?? 'mail-preflight lab ESMTP',
    disableReverseLookup: true,
    hideSTARTTLS: options.starttls === false,
    size: options.size ?? DEFAULT_LAB_SIZE,
    authOptional: true,
    key,
    cert,
    closeTimeout: LAB_CLOSE_TIMEOUT_MS,
    logger: false,
    onConnect(_session, callback) {
      counter.opened();
      options.onSession?.('open');
      if (options.greetingDelayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          callback();
        }, options.greetingDelayMs);
        timers.add(t);
      } else callback();
    },
    onClose() {
      counter.closed();
      options.onSession?.('close');
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  server.on('error', () => {}); // a client's reset must not crash the test process
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    stats: () => counter.snapshot(),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
      }),
  };
}

// ---- misbehaving servers ------------------------------------------------------------------

export type SmtpFault =
  /** Accepts, waits `delayMs` (default 60 s), then greets and behaves. */
  | 'slow-banner'
  /** `220-` continuation lines forever (until the client leaves or a large cap). */
  | 'endless-banner'
  /** A banner line that is not an SMTP reply. */
  | 'garbage-banner'
  /** A good banner, then garbage for EHLO. */
  | 'garbage-ehlo'
  /** A banner line of 16 KiB without a line break. */
  | 'long-line'
  /** 40 banner lines of 4000 bytes each: every line within limits, the whole too big. */
  | 'fat-banner'
  /** Accepts the connection and never says anything. */
  | 'silent'
  /** Greets, then hangs up when EHLO arrives. */
  | 'drop-after-ehlo'
  /** Offers STARTTLS, answers 220, then closes the connection. */
  | 'tls-drop'
  /** Offers STARTTLS, answers 220, then writes junk instead of a TLS ServerHello. */
  | 'tls-junk'
  /** Offers STARTTLS, answers 220, then never speaks TLS. */
  | 'tls-stall'
  /** Offers STARTTLS and refuses it with 454 4.7.0. */
  | 'starttls-454'
  /** Greets with 554 (RFC 5321 3.1: no SMTP service here). */
  | 'reject-banner';

export interface SmtpFaultOptions {
  host?: string;
  port?: number;
  /** For 'slow-banner'. */
  delayMs?: number;
}

/** Lines an endless banner writes at most, so that a client that never hangs up is still bounded. */
const ENDLESS_BANNER_MAX_LINES = 1_000_000;
const DEFAULT_SLOW_BANNER_MS = 60_000;
/** Bytes of input a fault server keeps from one client. */
const FAULT_MAX_INPUT = 16 * 1024;

const EHLO_WITH_STARTTLS = '250-fault.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 STARTTLS\r\n';

/** A loopback server that misbehaves in one way. */
export async function startSmtpFaultServer(
  fault: SmtpFault,
  options: SmtpFaultOptions = {},
): Promise<SmtpLabHandle> {
  const host = options.host ?? '127.0.0.1';
  const counter = new Counter();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server: Server = createServer((sock) => {
    counter.opened();
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => {
      sockets.delete(sock);
      counter.closed();
    });
    const write = (s: string | Buffer): void => {
      if (!sock.destroyed) sock.write(s);
    };

    // Minimal command handling for the faults that get past the greeting.
    let input = '';
    let tlsStarted = false;
    const onCommand = (cmd: string): void => {
      counter.commands.push(cmd);
      const verb = cmd.split(' ')[0]?.toUpperCase() ?? '';
      if (verb === 'QUIT') {
        write('221 2.0.0 bye\r\n');
        sock.end();
        return;
      }
      if (verb === 'EHLO' || verb === 'HELO') {
        if (fault === 'garbage-ehlo') write('this is not smtp\r\n');
        else if (fault === 'drop-after-ehlo') sock.destroy();
        else write(EHLO_WITH_STARTTLS);
        return;
      }
      if (verb === 'STARTTLS') {
        if (fault === 'starttls-454') {
          write('454 4.7.0 TLS not available due to temporary reason\r\n');
          return;
        }
        tlsStarted = true;
        write('220 2.0.0 Ready to start TLS\r\n');
        if (fault === 'tls-drop') later(5, () => sock.destroy());
        else if (fault === 'tls-junk') later(5, () => write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')));
        // tls-stall: say nothing more
        return;
      }
      write('502 5.5.1 not implemented here\r\n');
    };
    sock.on('data', (d: Buffer) => {
      if (tlsStarted) return; // ClientHello bytes: ignored on purpose
      input += d.toString('latin1');
      if (input.length > FAULT_MAX_INPUT) {
        sock.destroy();
        return;
      }
      for (let nl = input.indexOf('\n'); nl >= 0 && !tlsStarted; nl = input.indexOf('\n')) {
        const line = input.slice(0, nl).replace(/\r$/, '');
        input = input.slice(nl + 1);
        onCommand(line);
      }
    });

    switch (fault) {
      case 'silent':
        return;
      case 'slow-banner':
        later(options.delayMs ?? DEFAULT_SLOW_BANNER_MS, () => write('220 slow.fault.test ESMTP\r\n'));
        return;
      case 'garbage-banner':
        write('SSH-2.0-OpenSSH_9.6\r\n');
        return;
      case 'long-line':
        write(`220 ${'x'.repeat(16 * 1024)}`);
        return;
      case 'fat-banner':
        for (let i = 0; i < 40; i++) write(`220-${'y'.repeat(4000)}\r\n`);
        write('220 done\r\n');
        return;
      case 'reject-banner':
        write('554 5.7.1 no SMTP service here\r\n');
        return;
      case 'endless-banner': {
        let n = 0;
        const pump = (): void => {
          while (!sock.destroyed && n < ENDLESS_BANNER_MAX_LINES) {
            n++;
            if (!sock.write(`220-line ${n} of a banner that never ends\r\n`)) {
              sock.once('drain', pump);
              return;
            }
          }
        };
        pump();
        return;
      }
      default:
        write(`220 fault.test ESMTP ${fault}\r\n`);
    }
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    stats: () => counter.snapshot(),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (bound, then closed): connecting is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
