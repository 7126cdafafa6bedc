/**
 * A private Postfix instance for end-to-end tests: its own config_directory, queue and data
 * directories in a temp dir, one smtpd listening on a 127.0.0.x address with STARTTLS and a
 * certificate from a test CA (src/lab/certs.ts). It never touches /etc/postfix or the
 * system's queue, and `stop()` shuts it down (`postfix -c DIR stop`) and removes the dir.
 *
 * Needs root (Postfix's master binds port 25 and drops to the `postfix` user) and the
 * Debian `postfix` package (.ci/run installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, issueCert, type TestCa } from '../../src/lab/certs.js';

const POSTFIX_PATHS = ['/usr/sbin/postfix', '/usr/local/sbin/postfix'];
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Log text kept from the instance (for failure messages). */
const MAX_LOG_CHARS = 64 * 1024;

export interface PostfixOptions {
  /** Loopback address smtpd listens on (default 127.0.0.61). */
  address?: string;
  port?: number;
  /** myhostname, the name in the banner and on the certificate. */
  hostname?: string;
  /** Offer STARTTLS (smtpd_tls_security_level = may) or not (none). Default true. */
  starttls?: boolean;
  /**
   * Make the instance a relay for loopback clients that delivers onwards (bounce tests): without
   * it the instance only answers SMTP (smtpd), as the TLS tests need.
   */
  delivery?: PostfixDelivery;
}

/** Outbound delivery of a private Postfix: every domain routed to a loopback SMTP server. */
export interface PostfixDelivery {
  /** Recipient domain -> loopback 'address:port' the smtp client delivers to (a transport map). */
  routes: Record<string, string>;
  /**
   * maximal_queue_lifetime and bounce_queue_lifetime (Postfix time units). '0' tries a deferred
   * message once and then returns it as expired; default '0'.
   */
  queueLifetime?: string;
  /** delay_warning_time: send a "delayed" DSN after this long (default off). */
  delayWarningTime?: string;
}

export interface PostfixInstance {
  address: string;
  port: number;
  hostname: string;
  dir: string;
  ca: TestCa;
  /** PEM file of the test CA, for --ca-file. */
  caFile: string;
  /** The instance's maillog_file (syslog-style lines). */
  logFile: string;
  /** What the instance logged so far (its maillog_file and output). */
  logs(): string;
  stop(): Promise<void>;
}

/** Why a private Postfix cannot run here, or undefined when it can. */
export function postfixUnavailable(): string | undefined {
  if (!postfixBinary()) return 'postfix is not installed (Debian: apt-get install postfix; .ci/run does it)';
  if (process.getuid?.() !== 0) return 'a private Postfix instance needs root (it binds port 25)';
  try {
    execFileSync('id', ['-u', 'postfix'], { stdio: 'pipe' });
  } catch {
    return 'the postfix user does not exist (install the Debian postfix package)';
  }
  return undefined;
}

function postfixBinary(): string | undefined {
  return POSTFIX_PATHS.find((p) => existsSync(p));
}

export async function startPostfix(options: PostfixOptions = {}): Promise<PostfixInstance> {
  const why = postfixUnavailable();
  if (why) throw new Error(why);
  const postfix = postfixBinary()!;
  const address = options.address ?? '127.0.0.61';
  const port = options.port ?? 25;
  const hostname = options.hostname ?? 'mx.e2e.example';
  const uid = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());

  const dir = mkdtempSync(join(tmpdir(), 'mp-postfix-'));
  chmodSync(dir, 0o755);
  // Config (root-owned, like /etc/postfix) apart from queue and data (postfix-owned parts):
  // postfix-script warns about every non-root file under the config directory, and each
  // warning goes through postlog, which is slow before postlogd runs.
  const etc = join(dir, 'etc');
  mkdirSync(etc, { mode: 0o755 });
  const ca = createTestCa({ commonName: 'mail-preflight e2e CA' });
  const cert = issueCert(ca, { names: [hostname] });
  const caFile = join(etc, 'ca.pem');
  const maillog = join(dir, 'maillog');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(join(etc, 'cert.pem'), cert.certPem);
  writeFileSync(join(etc, 'key.pem'), cert.keyPem, { mode: 0o600 });
  mkdirSync(join(dir, 'queue'), { mode: 0o755 });
  // master.lock and the TLS caches live here; Postfix wants it owned by mail_owner.
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  chownSync(join(dir, 'data'), uid, -1);

  // inet_interfaces must name a configured interface address (127.0.0.x other than .1
  // is not one), so the address goes on the service in master.cf instead.
  writeFileSync(
    join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'meta_directory = /etc/postfix',
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = loopback-only',
      'inet_protocols = ipv4',
      `myhostname = ${hostname}`,
      'mydestination =',
      'smtpd_banner = $myhostname ESMTP',
      `smtpd_tls_security_level = ${options.starttls === false ? 'none' : 'may'}`,
      `smtpd_tls_cert_file = ${etc}/cert.pem`,
      `smtpd_tls_key_file = ${etc}/key.pem`,
      // Not /dev/stdout: node's stdio pipes are sockets, which open(2) on /dev/stdout refuses.
      `maillog_file = ${maillog}`,
      `maillog_file_prefixes = ${dir}`,
      ...(options.delivery ? deliveryConfig(etc, options.delivery) : []),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(etc, 'master.cf'),
    [
      `${address}:${port} inet n - n - - smtpd`,
      'postlog unix-dgram n - n - 1 postlogd',
      'anvil unix - - n - 1 anvil',
      // smtpd looks up local recipients through proxymap at startup
      'proxymap unix - - n - - proxymap',
      'tlsmgr unix - - n 1000? 1 tlsmgr',
      ...(options.delivery ? DELIVERY_SERVICES : []),
      '',
    ].join('\n'),
  );

  let log = '';
  const append = (d: Buffer) => {
    if (log.length < MAX_LOG_CHARS) log += d.toString('utf8');
  };
  const logs = (): string => {
    let file = '';
    try {
      file = readFileSync(maillog, 'utf8').slice(-MAX_LOG_CHARS);
    } catch {
      // no log yet
    }
    return `${log}${file}`;
  };
  const child: ChildProcess = spawn(postfix, ['-c', etc, 'start-fg'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    try {
      execFileSync(postfix, ['-c', etc, 'stop'], { stdio: 'pipe', timeout: STOP_TIMEOUT_MS });
    } catch {
      // not running (any more)
    }
    if (!exited) {
      const timer = setTimeout(() => child.kill('SIGTERM'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    if (!process.env.MP_KEEP_POSTFIX_DIR) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening(address, port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const last = logs()
        .split('\n')
        .filter((l) => !/warning: (not owned|group or other)/.test(l));
      throw new Error(`private Postfix did not start on ${address}:${port}:\n${last.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { address, port, hostname, dir, ca, caFile, logFile: maillog, logs, stop };
}

/** The services a queue needs: cleanup, the queue manager, the smtp client and the bounce daemon. */
const DELIVERY_SERVICES = [
  'pickup unix n - n 60 1 pickup',
  'cleanup unix n - n - 0 cleanup',
  'qmgr unix n - n 300 1 qmgr',
  'rewrite unix - - n - - trivial-rewrite',
  'bounce unix - - n - 0 bounce',
  'defer unix - - n - 0 bounce',
  'trace unix - - n - 0 bounce',
  'verify unix - - n - 1 verify',
  'flush unix n - n 1000? 0 flush',
  'proxywrite unix - - n - 1 proxymap',
  'smtp unix - - n - - smtp',
  'relay unix - - n - - smtp',
  'showq unix n - n - - showq',
  'error unix - - n - - error',
  'retry unix - - n - - error',
  'discard unix - - n - - discard',
  'scache unix - - n - 1 scache',
];

/** main.cf lines for a relay that sends every routed domain to its loopback server, no DNS. */
function deliveryConfig(etc: string, delivery: PostfixDelivery): string[] {
  const map = Object.entries(delivery.routes).map(
    ([domain, to]) => `${domain} smtp:[${to.replace(/:(\d+)$/, ']:$1')}`,
  );
  writeFileSync(join(etc, 'transport'), `${map.join('\n')}\n`);
  const lifetime = delivery.queueLifetime ?? '0';
  return [
    'mynetworks = 127.0.0.0/8',
    'smtpd_relay_restrictions = permit_mynetworks, reject',
    `transport_maps = texthash:${etc}/transport`,
    'smtp_dns_support_level = disabled',
    'smtp_tls_security_level = none',
    `maximal_queue_lifetime = ${lifetime}`,
    `bounce_queue_lifetime = ${lifetime}`,
    'queue_run_delay = 1s',
    'minimal_backoff_time = 1s',
    'maximal_backoff_time = 2s',
    'smtp_connect_timeout = 5s',
    'smtp_rcpt_timeout = 5s',
    'smtp_data_done_timeout = 5s',
    // a server that goes silent after a reply (421 then nothing) holds the client only this long:
    // with PIPELINING the client still waits for the replies to its pipelined commands
    'smtp_quit_timeout = 3s',
    'smtp_rset_timeout = 3s',
    'smtp_data_init_timeout = 3s',
    'smtp_mail_timeout = 5s',
    'smtp_helo_timeout = 5s',
    ...(delivery.delayWarningTime ? [`delay_warning_time = ${delivery.delayWarningTime}`] : []),
  ];
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
