import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCert, selfSignedCert } from '../../src/lab/certs.js';
import { startLab } from '../../src/lab/index.js';
import {
  closedPort,
  type SmtpFault,
  type SmtpLabHandle,
  startSmtpFaultServer,
  startSmtpLab,
} from '../../src/lab/smtp.js';
import { createProbe } from '../../src/probe/create.js';
import {
  createSmtpProber,
  dnsNamesFromSan,
  parseEhloCapabilities,
  probeSmtp,
  SMTP_MAX_CONNECTION_BYTES,
  SMTP_MAX_REPLY_LINES,
  type SmtpTimeouts,
} from '../../src/probe/smtp.js';
import { NetworkGate, networkOf } from '../../src/probe/smtp-politeness.js';

/** Small timeouts so that every fault finishes fast; `totalMs` bounds each probe. */
const FAST: Partial<SmtpTimeouts> = {
  connectMs: 1000,
  bannerMs: 400,
  replyMs: 400,
  tlsMs: 500,
  quitMs: 200,
  totalMs: 3000,
};

const started: SmtpLabHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
async function track(p: Promise<SmtpLabHandle>): Promise<SmtpLabHandle> {
  const h = await p;
  started.push(h);
  return h;
}

const ca = createTestCa({ commonName: 'SMTP Lab CA' });
const MX = 'mx.lab.test';

describe('probeSmtp against a well-behaved STARTTLS server', () => {
  let lab: SmtpLabHandle;
  beforeAll(async () => {
    const leaf = issueCert(ca, { names: [MX] });
    lab = await startSmtpLab({
      cert: leaf.certPem,
      key: leaf.keyPem,
      size: 35_882_577,
      banner: 'Lab ESMTP ready',
    });
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('reads banner and capabilities, upgrades, verifies with the CA and matches the name', async () => {
    const r = await probeSmtp(MX, {
      address: lab.host,
      port: lab.port,
      ca: ca.certPem,
      heloName: 'probe.example.test',
      timeouts: FAST,
    });
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.address).toBe('127.0.0.1');
    expect(r.banner?.code).toBe(220);
    expect(r.banner?.lines.join(' ')).toContain('Lab ESMTP ready');
    const caps = r.ehlo?.capabilities;
    expect(caps).toMatchObject({
      starttls: true,
      size: 35_882_577,
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
      requireTls: false,
    });
    expect(r.starttls).toMatchObject({ offered: true, code: 220, ok: true });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(r.tls?.protocol);
    expect(r.tls?.cipher).toMatch(/\w/);
    expect(r.tls?.authorized).toBe(true);
    expect(r.tls?.authorizationError).toBeUndefined();
    expect(r.tls?.hostnameMatches).toBe(true);
    const leaf = r.tls?.chain[0];
    expect(leaf?.subjectAltNames).toEqual([MX]);
    expect(leaf?.issuer).toBe('CN=SMTP Lab CA');
    expect(leaf?.keyType).toBe('ec');
    expect(leaf?.keyBits).toBe(256);
    expect(leaf?.selfSigned).toBe(false);
    expect(leaf?.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(leaf?.derBase64 ?? '', 'base64').length).toBeGreaterThan(100);
    // The verifier completed the chain with the trusted root: self-issued, last.
    expect(r.tls?.chain.at(-1)?.subject).toBe('CN=SMTP Lab CA');
    expect(r.tls?.chain.at(-1)?.selfSigned).toBe(true);
    // Over TLS the server no longer offers STARTTLS (RFC 3207 4.2).
    expect(r.ehloAfterTls?.code).toBe(250);
    expect(r.ehloAfterTls?.capabilities.starttls).toBe(false);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain JSON evidence
  });

  it('without the CA the chain does not verify, but the handshake is still recorded', async () => {
    const r = await probeSmtp(MX, { address: lab.host, port: lab.port, timeouts: FAST });
    expect(r.error).toBeUndefined();
    expect(r.tls?.authorized).toBe(false);
    expect(r.tls?.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(r.tls?.hostnameMatches).toBe(true);
  });

  it('a name the certificate does not cover: hostnameMatches false, chain still authorized', async () => {
    const r = await probeSmtp('other.lab.test', {
      address: lab.host,
      port: lab.port,
      ca: ca.certPem,
      timeouts: FAST,
    });
    expect(r.tls?.authorized).toBe(true);
    expect(r.tls?.hostnameMatches).toBe(false);
    expect(r.tls?.hostnameError).toMatch(/other\.lab\.test/);
  });

  it('never sends MAIL, RCPT or DATA (a fault server logs the commands)', async () => {
    const s = await track(startSmtpFaultServer('starttls-454'));
    await probeSmtp('fault.test', { address: s.host, port: s.port, heloName: 'probe.test', timeouts: FAST });
    const verbs = s.stats().commands.map((c) => c.split(' ')[0]);
    expect(verbs).toEqual(['EHLO', 'STARTTLS', 'QUIT']);
  });
});

describe('probeSmtp certificate faults', () => {
  it('expired certificate: CERT_HAS_EXPIRED', async () => {
    const leaf = issueCert(ca, {
      names: [MX],
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const lab = await track(startSmtpLab({ cert: leaf.certPem, key: leaf.keyPem }));
    const r = await probeSmtp(MX, { address: lab.host, port: lab.port, ca: ca.certPem, timeouts: FAST });
    expect(r.error).toBeUndefined();
    expect(r.tls?.authorized).toBe(false);
    expect(r.tls?.authorizationError).toBe('CERT_HAS_EXPIRED');
    expect(r.tls?.chain[0]?.notAfter).toBe('2021-01-01T00:00:00.000Z');
  });

  it('self-signed certificate: DEPTH_ZERO_SELF_SIGNED_CERT and selfSigned', async () => {
    const self = selfSignedCert({ names: [MX], keyType: 'rsa' });
    const lab = await track(startSmtpLab({ cert: self.certPem, key: self.keyPem }));
    const r = await probeSmtp(MX, { address: lab.host, port: lab.port, timeouts: FAST });
    expect(r.tls?.authorized).toBe(false);
    expect(r.tls?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.tls?.chain).toHaveLength(1);
    expect(r.tls?.chain[0]).toMatchObject({ selfSigned: true, keyType: 'rsa', keyBits: 2048 });
    expect(r.tls?.hostnameMatches).toBe(true);
  });

  it('server without STARTTLS: offered false, no error, no tls', async () => {
    const lab = await track(startSmtpLab({ starttls: false }));
    const r = await probeSmtp(MX, { address: lab.host, port: lab.port, timeouts: FAST });
    expect(r.error).toBeUndefined();
    expect(r.ehlo?.capabilities.starttls).toBe(false);
    expect(r.starttls).toEqual({ offered: false, ok: false });
    expect(r.tls).toBeUndefined();
  });
});

describe('probeSmtp protocol faults end with a clear error and no hang', () => {
  const cases: [SmtpFault, string, string][] = [
    ['silent', 'banner-timeout', 'banner'],
    ['slow-banner', 'banner-timeout', 'banner'],
    ['endless-banner', 'too-long', 'banner'],
    ['garbage-banner', 'garbage', 'banner'],
    ['long-line', 'too-long', 'banner'],
    ['fat-banner', 'too-long', 'banner'],
    ['reject-banner', 'rejected', 'banner'],
    ['garbage-ehlo', 'garbage', 'ehlo'],
    ['drop-after-ehlo', 'closed', 'ehlo'],
    ['starttls-454', 'rejected', 'starttls'],
    ['tls-drop', 'tls-handshake', 'tls'],
    ['tls-junk', 'tls-handshake', 'tls'],
    ['tls-stall', 'tls-handshake', 'tls'],
  ];
  for (const [fault, kind, stage] of cases) {
    it(`${fault} -> ${kind} at ${stage}`, async () => {
      const s = await track(startSmtpFaultServer(fault, { delayMs: 5_000 }));
      const t0 = Date.now();
      const r = await probeSmtp('fault.test', { address: s.host, port: s.port, timeouts: FAST });
      const elapsed = Date.now() - t0;
      expect(r.error).toMatchObject({ kind, stage });
      expect(r.error?.detail.length).toBeGreaterThan(0);
      expect(r.connected).toBe(true);
      expect(r.tls).toBeUndefined();
      expect(elapsed).toBeLessThan(1500);
      expect(r.durationMs).toBeLessThanOrEqual(elapsed + 5);
    });
  }

  it('the endless banner stops at SMTP_MAX_REPLY_LINES (RFC 5321 4.2.1 multi-line replies)', async () => {
    const s = await track(startSmtpFaultServer('endless-banner'));
    const r = await probeSmtp('fault.test', { address: s.host, port: s.port, timeouts: FAST });
    expect(r.error?.detail).toContain(`${SMTP_MAX_REPLY_LINES} lines`);
  });

  it('lines within limits but too many bytes in all: stops at SMTP_MAX_CONNECTION_BYTES', async () => {
    const s = await track(startSmtpFaultServer('fat-banner'));
    const r = await probeSmtp('fault.test', { address: s.host, port: s.port, timeouts: FAST });
    expect(r.error).toMatchObject({ kind: 'too-long', stage: 'banner' });
    expect(r.error?.detail).toContain(`${SMTP_MAX_CONNECTION_BYTES} bytes`);
  });

  it('STARTTLS refused with 454 is recorded with its code and text', async () => {
    const s = await track(startSmtpFaultServer('starttls-454'));
    const r = await probeSmtp('fault.test', { address: s.host, port: s.port, timeouts: FAST });
    expect(r.starttls).toEqual({
      offered: true,
      code: 454,
      text: '4.7.0 TLS not available due to temporary reason',
      ok: false,
    });
  });

  it('connection refused on a closed port is connect-refused (could not measure)', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    const r = await probeSmtp('closed.test', { address: '127.0.0.1', port, timeouts: FAST });
    expect(r.connected).toBe(false);
    expect(r.error).toMatchObject({ kind: 'connect-refused', stage: 'connect' });
    expect(r.error?.detail).toContain(`closed.test:${port}`);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('the whole-probe deadline bounds a probe whose stages are each within their timeouts', async () => {
    const s = await track(startSmtpFaultServer('silent'));
    const t0 = Date.now();
    const r = await probeSmtp('fault.test', {
      address: s.host,
      port: s.port,
      timeouts: { ...FAST, bannerMs: 5000, totalMs: 300 },
    });
    expect(r.error?.kind).toBe('banner-timeout');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('an abort signal stops the probe', async () => {
    const s = await track(startSmtpFaultServer('silent'));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const r = await probeSmtp('fault.test', {
      address: s.host,
      port: s.port,
      timeouts: { ...FAST, bannerMs: 5000 },
      signal: ac.signal,
    });
    expect(r.error).toMatchObject({ kind: 'banner-timeout', detail: 'probe aborted' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rejects an EHLO name that would inject a command', async () => {
    await expect(probeSmtp('x.test', { heloName: 'a\r\nMAIL FROM:<x>' })).rejects.toThrow(
      /invalid EHLO name/,
    );
  });
});

describe('createSmtpProber', () => {
  it('never contacts an address outside allowAddress (demo and labs stay on loopback)', async () => {
    const lab = await track(startSmtpLab({ starttls: false }));
    const prober = createSmtpProber({
      port: lab.port,
      timeouts: FAST,
      resolveAddress: async (h) => (h === 'inside.test' ? lab.host : '192.0.2.25'),
      allowAddress: (a) => a.startsWith('127.'),
    });
    const outside = await prober.probe('outside.test');
    expect(outside.connected).toBe(false);
    expect(outside.error).toMatchObject({ kind: 'connect-refused', stage: 'connect' });
    expect(outside.error?.detail).toContain('192.0.2.25 is outside');
    const literal = await prober.probe('198.51.100.9');
    expect(literal.connected).toBe(false);
    expect(literal.error?.detail).toContain('is outside');
    const inside = await prober.probe('inside.test');
    expect(inside.banner?.code).toBe(220);
    expect(lab.stats().connections).toBe(1);
  });

  it('caches per host:port for the run: two probes, one connection', async () => {
    const lab = await track(startSmtpLab({ starttls: false }));
    const lookups: string[] = [];
    const prober = createSmtpProber({
      port: lab.port,
      timeouts: FAST,
      resolveAddress: async (h) => {
        lookups.push(h);
        return lab.host;
      },
    });
    const [a, b] = await Promise.all([prober.probe('MX.lab.test.'), prober.probe('mx.lab.test')]);
    const c = await prober.probe('mx.lab.test');
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a.host).toBe('mx.lab.test');
    expect(lab.stats().connections).toBe(1);
    expect(lookups).toEqual(['mx.lab.test']);
    expect(prober.stats()).toEqual({ probes: 1, cacheHits: 2 });
  });

  it('limits concurrency globally and to one connection per host', async () => {
    const lab = await track(startSmtpLab({ starttls: false, greetingDelayMs: 80 }));
    const prober = createSmtpProber({
      port: lab.port,
      timeouts: FAST,
      maxConcurrent: 2,
      // One address for all: the network's own limits out of the way of the global one.
      perNetwork: 10,
      networkGapMs: 0,
      resolveAddress: async () => lab.host,
    });
    const hosts = ['a.test', 'b.test', 'c.test', 'd.test', 'e.test'];
    const results = await Promise.all(hosts.map((h) => prober.probe(h)));
    expect(results.every((r) => r.error === undefined && r.banner?.code === 220)).toBe(true);
    expect(lab.stats().connections).toBe(5);
    expect(lab.stats().maxConcurrent).toBe(2);

    const lab2 = await track(startSmtpLab({ starttls: false, greetingDelayMs: 80 }));
    const p2 = createSmtpProber({ port: lab2.port, timeouts: FAST, resolveAddress: async () => lab2.host });
    // Same host, different names checked: separate cache entries, but never at the same time.
    await Promise.all([p2.probe('one.test'), p2.probe('one.test', { servername: 'alias.test' })]);
    expect(lab2.stats().connections).toBe(2);
    expect(lab2.stats().maxConcurrent).toBe(1);
  });

  it('a run with more than 10 probes in flight draws no MaxListenersExceededWarning (one run signal)', async () => {
    const lab = await track(startSmtpLab({ starttls: false, greetingDelayMs: 50 }));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const prober = createSmtpProber({
        port: lab.port,
        timeouts: FAST,
        maxConcurrent: 16,
        perNetwork: 16,
        networkGapMs: 0,
        resolveAddress: async () => lab.host,
      });
      const hosts = Array.from({ length: 14 }, (_, i) => `h${i}.test`);
      const results = await Promise.all(hosts.map((h) => prober.probe(h)));
      expect(results.every((r) => r.banner?.code === 220)).toBe(true);
      expect(lab.stats().maxConcurrent).toBeGreaterThan(10);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('politeness: at most perNetwork connections at once to one /24, starts networkGapMs apart; other networks go on', async () => {
    let open24a = 0;
    let max24a = 0;
    const starts24a: number[] = [];
    let open24b = 0;
    let max24b = 0;
    const sessionOf = (net: 'a' | 'b') => (event: 'open' | 'close') => {
      if (net === 'a') {
        if (event === 'open') {
          starts24a.push(performance.now());
          max24a = Math.max(max24a, ++open24a);
        } else open24a--;
      } else if (event === 'open') max24b = Math.max(max24b, ++open24b);
      else open24b--;
    };
    const first = await track(
      startSmtpLab({ host: '127.0.71.1', starttls: false, greetingDelayMs: 150, onSession: sessionOf('a') }),
    );
    const labs: Record<string, string> = { 'h0.test': first.host };
    const more: [string, string, 'a' | 'b'][] = [
      ...['127.0.71.2', '127.0.71.3', '127.0.71.4', '127.0.71.5'].map((host, i): [string, string, 'a'] => [
        `h${i + 1}.test`,
        host,
        'a',
      ]),
      ...['127.0.72.1', '127.0.72.2', '127.0.72.3'].map((host, i): [string, string, 'b'] => [
        `o${i}.test`,
        host,
        'b',
      ]),
    ];
    for (const [name, host, net] of more) {
      const lab = await track(
        startSmtpLab({
          host,
          port: first.port,
          starttls: false,
          greetingDelayMs: 150,
          onSession: sessionOf(net),
        }),
      );
      labs[name] = lab.host;
    }
    const prober = createSmtpProber({
      port: first.port,
      timeouts: FAST,
      maxConcurrent: 16,
      perNetwork: 2,
      networkGapMs: 60,
      resolveAddress: async (h) => labs[h],
    });
    const t0 = performance.now();
    const results = await Promise.all(Object.keys(labs).map((h) => prober.probe(h)));
    expect(results.every((r) => r.error === undefined && r.banner?.code === 220)).toBe(true);
    expect(max24a).toBe(2);
    expect(max24b).toBe(2);
    expect(starts24a).toHaveLength(5);
    const gaps = starts24a.slice(1).map((t, i) => t - (starts24a[i] as number));
    // Timers may fire a little early or late; never anywhere near two starts at once.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    // Five probes of 150 ms, two at a time: three rounds at least.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(3 * 150);
  });

  it.each([
    ['over STARTTLS', true],
    ['in plain text', false],
  ])(
    "politeness: a connection counts until its socket has closed (the next probe of the /24 connects after the 'close'), %s",
    async (_how, starttls) => {
      const a = await track(startSmtpLab({ host: '127.0.73.1', starttls }));
      const b = await track(startSmtpLab({ host: '127.0.73.2', port: a.port, starttls }));
      const events: string[] = [];
      const original = Socket.prototype.connect;
      Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
        const o = args[0] as { host?: string; port?: number } | undefined;
        if (typeof o === 'object' && o !== null && o.port === a.port && o.host) {
          const host = o.host;
          events.push(`connect ${host}`);
          this.once('close', () => events.push(`close ${host}`));
        }
        return (original as (...x: unknown[]) => Socket).apply(this, args);
      } as typeof Socket.prototype.connect;
      try {
        const prober = createSmtpProber({
          port: a.port,
          timeouts: FAST,
          perNetwork: 1,
          networkGapMs: 0,
          resolveAddress: async (h) => (h === 'a.test' ? a.host : b.host),
        });
        const results = await Promise.all([prober.probe('a.test'), prober.probe('b.test')]);
        expect(results.every((r) => r.error === undefined && r.banner?.code === 220)).toBe(true);
        expect(results.every((r) => r.tls !== undefined)).toBe(starttls);
      } finally {
        Socket.prototype.connect = original;
      }
      expect(events).toHaveLength(4);
      // One at a time: each connect follows the other connection's close.
      expect(events[0]?.startsWith('connect')).toBe(true);
      expect(events[1]?.startsWith('close')).toBe(true);
      expect(events[2]?.startsWith('connect')).toBe(true);
      expect(events[3]?.startsWith('close')).toBe(true);
    },
  );

  it('politeness through createProbe: smtpPerNetwork, smtpGapMs and smtpConcurrency reach the prober', async () => {
    let open = 0;
    let max = 0;
    const onSession = (event: 'open' | 'close') => {
      if (event === 'open') max = Math.max(max, ++open);
      else open--;
    };
    const first = await track(
      startSmtpLab({ host: '127.0.74.1', starttls: false, greetingDelayMs: 60, onSession }),
    );
    const zone: Record<string, { A: string }> = { 'm1.test': { A: first.host } };
    for (const i of [2, 3, 4]) {
      const lab = await track(
        startSmtpLab({
          host: `127.0.74.${i}`,
          port: first.port,
          starttls: false,
          greetingDelayMs: 60,
          onSession,
        }),
      );
      zone[`m${i}.test`] = { A: lab.host };
    }
    const dns = await startLab(zone);
    try {
      const probe = createProbe({
        resolvers: [`${dns.host}:${dns.port}`],
        smtpPort: first.port,
        smtpPerNetwork: 1,
        smtpGapMs: 20,
        smtpConcurrency: 8,
      });
      const results = await Promise.all(
        ['m1.test', 'm2.test', 'm3.test', 'm4.test'].map((h) => probe.smtp?.probe(h)),
      );
      probe.close();
      expect(results.every((r) => r?.banner?.code === 220)).toBe(true);
      expect(max).toBe(1);
    } finally {
      await dns.stop();
    }
  });

  it('politeness: networkOf groups IPv4 by /24 (IPv4-mapped too) and IPv6 by /64', () => {
    expect(networkOf('192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkOf('::ffff:192.0.2.9')).toBe('192.0.2.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2::ffff')).toBe(networkOf('2001:db8:1:2:ffff::1'));
    expect(networkOf('2001:db8:1:3::1')).not.toBe(networkOf('2001:db8:1:2::1'));
  });

  it('politeness: starts stay networkGapMs apart when a busy event loop fires a timer late', async () => {
    const gap = 100;
    const gate = new NetworkGate(4, gap);
    const granted: number[] = [];
    const take = async () => {
      const release = await gate.acquire('192.0.2.1');
      granted.push(performance.now());
      release?.();
    };
    await take(); // at once
    const reserved = [take(), take()]; // reserved one and two gaps later
    // The event loop is busy past the first reservation: its timer fires half a gap late.
    const busyUntil = (granted[0] ?? 0) + gap * 1.5;
    while (performance.now() < busyUntil) {
      // busy
    }
    await Promise.all(reserved);
    // A newcomer right after the late start waits a whole gap after it too.
    await take();
    const gaps = granted.slice(1).map((t, i) => t - (granted[i] ?? 0));
    expect(gaps).toHaveLength(3);
    // Timers fire on whole milliseconds: a start may come a fraction of one early.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(gap - 1);
  });

  it('politeness: a closed prober ends the waits for a network turn', async () => {
    const gate = new NetworkGate(1, 10_000);
    const controller = new AbortController();
    const release = await gate.acquire('192.0.2.1', controller.signal);
    expect(release).toBeTypeOf('function');
    const second = gate.acquire('192.0.2.2', controller.signal);
    setTimeout(() => controller.abort(), 50);
    const t0 = performance.now();
    expect(await second).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1000);
    release?.();
    // A turn given back: the next one waits only for the gap, not forever.
    const quick = new NetworkGate(1, 0);
    const r1 = await quick.acquire('192.0.2.1');
    const r2p = quick.acquire('192.0.2.3');
    r1?.();
    expect(await r2p).toBeTypeOf('function');
  });

  it('close() aborts probes in flight; the default EHLO name is an FQDN or an address literal', async () => {
    const silent = await track(startSmtpFaultServer('silent'));
    const prober = createSmtpProber({
      port: silent.port,
      timeouts: { ...FAST, bannerMs: 5000 },
      resolveAddress: async () => silent.host,
    });
    const pending = prober.probe('silent.test');
    setTimeout(() => prober.close(), 100);
    const t0 = Date.now();
    expect((await pending).error).toMatchObject({ kind: 'banner-timeout', detail: 'probe aborted' });
    expect(Date.now() - t0).toBeLessThan(1000);

    const s = await track(startSmtpFaultServer('starttls-454'));
    await probeSmtp('fault.test', { address: s.host, port: s.port, timeouts: FAST });
    const ehlo = s.stats().commands[0] ?? '';
    expect(ehlo).toMatch(/^EHLO (\[127\.0\.0\.1\]|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i);
  });

  it('an unresolvable host is a dns error without a connection', async () => {
    const prober = createSmtpProber({ timeouts: FAST, resolveAddress: async () => undefined });
    const r = await prober.probe('nowhere.test');
    expect(r).toMatchObject({ connected: false, error: { kind: 'dns', stage: 'connect' } });
    expect(prober.stats().probes).toBe(0);
  });

  it("a caller's abort stops its wait, not the shared probe", async () => {
    const lab = await track(startSmtpLab({ starttls: false, greetingDelayMs: 200 }));
    const prober = createSmtpProber({ port: lab.port, timeouts: FAST, resolveAddress: async () => lab.host });
    const ac = new AbortController();
    const first = prober.probe('mx.test', { signal: ac.signal });
    const second = prober.probe('mx.test');
    ac.abort();
    expect((await first).error?.detail).toContain('aborted');
    expect((await second).banner?.code).toBe(220);
  });
});

describe('parsers', () => {
  it('EHLO keywords: SIZE with and without a number (RFC 1870), case-insensitive keywords', () => {
    const caps = parseEhloCapabilities(['mx greets you', 'size 0', 'starttls', 'REQUIRETLS', 'X-FOO bar']);
    expect(caps).toEqual({
      starttls: true,
      size: 0,
      pipelining: false,
      eightBitMime: false,
      smtpUtf8: false,
      requireTls: true,
      raw: ['size 0', 'starttls', 'REQUIRETLS', 'X-FOO bar'],
    });
    expect(parseEhloCapabilities(['mx', 'SIZE']).size).toBeUndefined();
  });

  it('subjectAltName: DNS names only, quoted values are not split', () => {
    expect(
      dnsNamesFromSan('DNS:A.example, IP Address:127.0.0.1, DNS:"x, DNS:evil.test", DNS:b.example'),
    ).toEqual(['a.example', 'x, dns:evil.test', 'b.example']);
    expect(dnsNamesFromSan(undefined)).toEqual([]);
  });
});
