/**
 * Debian's `unbound` as a caching forwarder on loopback, in front of the benchmark's lab:
 * `npm run bench -- --resolver unbound` runs the fleet (and the replayer) through it, the way
 * users run the fleet (through a real caching resolver). The config is written to a temporary
 * directory; unbound runs in the foreground (no daemon, no chroot, no user switch) and is
 * stopped by its pid. Why each setting: bench/README.md, "Through unbound".
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeQuery, encodeQuestion } from './replayer.js';

export const UNBOUND_PATHS = ['/usr/sbin/unbound', '/usr/local/sbin/unbound'];
export const UNBOUND_CHECKCONF_PATHS = ['/usr/sbin/unbound-checkconf', '/usr/local/sbin/unbound-checkconf'];

/** The values the benchmark uses; bench/README.md says why. */
export const UNBOUND_DEFAULTS = {
  /** One per core of the 2-core machine the targets are set for. */
  numThreads: 2,
  /** Requests each thread serves at once; unbound's default (1024 with libevent) is below the replayer's window. */
  numQueriesPerThread: 4096,
  /** Outgoing sockets (ports) per thread: at least num-queries-per-thread, each forwarded query has one. */
  outgoingRange: 8192,
  msgCacheSize: '64m',
  /** About twice the message cache, as unbound's documentation advises. */
  rrsetCacheSize: '128m',
  /** Slabs: a power of 2 close to num-threads, fewer lock collisions between threads. */
  slabs: 2,
  /** Socket buffers asked for; the kernel caps them at net.core.{r,w}mem_max (unbound warns). */
  socketBuffer: '4m',
} as const;

/** How long unbound gets to answer its first query after start. */
export const UNBOUND_START_TIMEOUT_MS = 10_000;
/** Gap between two readiness queries. */
const READY_POLL_MS = 100;
/** Starts tried (a free port found may be taken before unbound binds it). */
const START_ATTEMPTS = 3;
/** Wait after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3_000;

export interface UnboundConfigOptions {
  /** Directory of the config, pid file and log. */
  dir: string;
  /** Loopback address and port unbound listens on. */
  host: string;
  port: number;
  /** The lab (the forwarder's only upstream). */
  forwardHost: string;
  forwardPort: number;
  numThreads?: number;
  numQueriesPerThread?: number;
  outgoingRange?: number;
}

export function findExecutable(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** unbound.conf text for a caching, non-validating forwarder to the lab. */
export function unboundConfig(o: UnboundConfigOptions): string {
  const d = UNBOUND_DEFAULTS;
  const q = (s: string) => JSON.stringify(s);
  return `${[
    'server:',
    `  interface: ${o.host}@${o.port}`,
    `  port: ${o.port}`,
    '  do-ip4: yes',
    '  do-ip6: no',
    '  do-tcp: yes',
    '  do-daemonize: no',
    '  chroot: ""',
    '  username: ""',
    `  directory: ${q(o.dir)}`,
    `  pidfile: ${q(join(o.dir, 'unbound.pid'))}`,
    '  use-syslog: no',
    `  logfile: ${q(join(o.dir, 'unbound.log'))}`,
    '  verbosity: 0',
    '  access-control: 127.0.0.0/8 allow',
    // The lab is on loopback, which unbound refuses to query by default.
    '  do-not-query-localhost: no',
    // The world's PTR names are in reverse zones unbound answers locally by default
    // (100.64.0.0/10, 192.0.2.0/24, 2001:db8::/32...): send them to the lab instead.
    '  unblock-lan-zones: yes',
    '  insecure-lan-zones: yes',
    // No DNSSEC validation (the lab does not sign), no trust anchor to load.
    '  module-config: "iterator"',
    '  qname-minimisation: no',
    '  prefetch: no',
    `  num-threads: ${o.numThreads ?? d.numThreads}`,
    '  so-reuseport: yes',
    `  num-queries-per-thread: ${o.numQueriesPerThread ?? d.numQueriesPerThread}`,
    `  outgoing-range: ${o.outgoingRange ?? d.outgoingRange}`,
    `  so-rcvbuf: ${d.socketBuffer}`,
    `  so-sndbuf: ${d.socketBuffer}`,
    `  msg-cache-size: ${d.msgCacheSize}`,
    `  rrset-cache-size: ${d.rrsetCacheSize}`,
    `  msg-cache-slabs: ${d.slabs}`,
    `  rrset-cache-slabs: ${d.slabs}`,
    `  infra-cache-slabs: ${d.slabs}`,
    `  key-cache-slabs: ${d.slabs}`,
    // Rate limits would throttle one client asking thousands of questions a second.
    '  ratelimit: 0',
    '  ip-ratelimit: 0',
    'forward-zone:',
    '  name: "."',
    `  forward-addr: ${o.forwardHost}@${o.forwardPort}`,
    '  forward-first: no',
  ].join('\n')}\n`;
}

/** unbound-checkconf's verdict on a config file: undefined when it is accepted, else its output. */
export function checkUnboundConfig(checkconf: string, file: string): string | undefined {
  const r = spawnSync(checkconf, [file], { encoding: 'utf8', timeout: UNBOUND_START_TIMEOUT_MS });
  return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`.trim() || `exit ${r.status}`;
}

/** A UDP port free on `host` right now (unbound binds it next; start() retries on a clash). */
async function freeUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => resolve());
  });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** True once something answers `localhost. A` on host:port (unbound answers it itself). */
function answers(host: string, port: number, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const id = Math.floor(Math.random() * 0x10000);
    const timer = setTimeout(() => finish(false), waitMs);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    s.on('error', () => finish(false));
    s.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(true);
    });
    const question = encodeQuestion({ name: 'localhost', type: 'A' });
    if (!question) return finish(false);
    s.send(encodeQuery(id, question), port, host);
  });
}

export interface RunningUnbound {
  host: string;
  port: number;
  configFile: string;
  stop(): Promise<void>;
}

export interface StartUnboundOptions {
  forwardHost: string;
  forwardPort: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  numThreads?: number;
  numQueriesPerThread?: number;
  outgoingRange?: number;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts unbound forwarding to the lab and waits until it answers. */
export async function startUnbound(o: StartUnboundOptions): Promise<RunningUnbound> {
  let failure: Error | undefined;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(o);
    } catch (err) {
      failure = err as Error; // e.g. the free port was taken in between: try another
    }
  }
  throw failure ?? new Error('unbound did not start');
}

async function startOnce(o: StartUnboundOptions): Promise<RunningUnbound> {
  const binary = findExecutable(UNBOUND_PATHS);
  if (!binary)
    throw new Error('--resolver unbound needs unbound: apt-get install unbound (see bench/README.md)');
  const host = o.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-unbound-'));
  const configFile = join(dir, 'unbound.conf');
  const port = await freeUdpPort(host);
  writeFileSync(configFile, unboundConfig({ ...o, dir, host, port }));
  // -d: stay in the foreground (and log to the logfile); we own the process and stop it.
  const child = spawn(binary, ['-d', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const cleanup = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const started = performance.now();
  while (performance.now() - started < UNBOUND_START_TIMEOUT_MS) {
    if (child.exitCode !== null) break;
    if (await answers(host, port, READY_POLL_MS)) return { host, port, configFile, stop: cleanup };
  }
  const log = existsSync(join(dir, 'unbound.log')) ? readFileSync(join(dir, 'unbound.log'), 'utf8') : '';
  await cleanup();
  throw new Error(`unbound did not answer on ${host}:${port}: ${`${stderr}${log}`.trim().slice(-1000)}`);
}
