/**
 * `--resolver unbound` of the fleet benchmark (bench/unbound.ts): the config it writes is one
 * unbound-checkconf accepts, and unbound started with it forwards to a lab on loopback and
 * answers its names (including a PTR name in 100.64.0.0/10, a reverse zone unbound would
 * answer itself by default). Skipped where unbound is not installed (apt-get install unbound).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../bench/replayer.js';
import {
  checkUnboundConfig,
  findExecutable,
  startUnbound,
  UNBOUND_CHECKCONF_PATHS,
  UNBOUND_PATHS,
  unboundConfig,
} from '../../bench/unbound.js';
import { createDnsProbe } from '../../src/index.js';
import { startLab } from '../../src/lab/index.js';

const checkconf = findExecutable(UNBOUND_CHECKCONF_PATHS);
const unbound = findExecutable(UNBOUND_PATHS);

describe('unbound config', () => {
  it('names the forwarder, loopback access and the settings that matter at these rates', () => {
    const text = unboundConfig({
      dir: '/tmp/x',
      host: '127.0.0.1',
      port: 5301,
      forwardHost: '127.0.0.1',
      forwardPort: 5302,
    });
    for (const line of [
      'interface: 127.0.0.1@5301',
      'forward-addr: 127.0.0.1@5302',
      'do-not-query-localhost: no',
      'access-control: 127.0.0.0/8 allow',
      'module-config: "iterator"',
      'username: ""',
      'chroot: ""',
      'do-daemonize: no',
      'so-reuseport: yes',
      'num-queries-per-thread: 4096',
      'outgoing-range: 8192',
      'ratelimit: 0',
      'ip-ratelimit: 0',
    ])
      expect(text).toContain(`  ${line}\n`);
  });

  it.skipIf(checkconf === undefined)('is accepted by unbound-checkconf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-unbound-conf-'));
    try {
      const file = join(dir, 'unbound.conf');
      writeFileSync(
        file,
        unboundConfig({ dir, host: '127.0.0.1', port: 5301, forwardHost: '127.0.0.1', forwardPort: 5302 }),
      );
      expect(checkUnboundConfig(checkconf!, file)).toBeUndefined();
      // And the check does fail on a broken config (the assertion above can fail).
      writeFileSync(file, 'server:\n  no-such-option: 1\n');
      expect(checkUnboundConfig(checkconf!, file)).toMatch(/no-such-option|syntax error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(unbound === undefined)('unbound in front of a lab', () => {
  it('forwards to the lab, answers its names and stops', { timeout: 30_000 }, async () => {
    const lab = await startLab({
      'shop.example': { TXT: ['v=spf1 -all'], MX: [{ preference: 10, exchange: 'mx.shop.example' }] },
      '7.0.64.100.in-addr.arpa': { PTR: ['mail.shop.example'] },
    });
    const ub = await startUnbound({ forwardHost: lab.host, forwardPort: lab.port });
    try {
      const probe = createDnsProbe({ servers: [{ host: ub.host, port: ub.port }], timeoutMs: 3000 });
      const txt = await probe.dns.query('shop.example', 'TXT');
      expect(txt.kind).toBe('ok');
      const ptr = await probe.dns.query('7.0.64.100.in-addr.arpa', 'PTR');
      expect(ptr).toMatchObject({ kind: 'ok' });
      expect(JSON.stringify(ptr)).toContain('mail.shop.example');
      expect(lab.server.queries.map((q) => q.name)).toContain('7.0.64.100.in-addr.arpa');
      // The replayer through unbound: every question answered.
      const r = await replay(
        [
          { name: 'shop.example', type: 'MX' },
          { name: 'nothing.shop.example', type: 'A' },
        ],
        { host: ub.host, port: ub.port },
      );
      expect(r.answered).toBe(2);
    } finally {
      await ub.stop();
      await lab.stop();
    }
    // Stopped: nothing answers any more.
    const after = await replay([{ name: 'shop.example', type: 'TXT' }], {
      host: ub.host,
      port: ub.port,
      timeoutMs: 200,
      tries: 1,
    });
    expect(after.answered).toBe(0);
  });
});
