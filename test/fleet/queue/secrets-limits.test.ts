/**
 * The Redis password never printed (URL, environment, errors), and the Redis-backed limit that
 * holds across workers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKLISTS } from '../../../checks/reputation/index.js';
import { main } from '../../../src/cli.js';
import { maskRedisUrl, redactSecrets, redisTargetOf } from '../../../src/fleet/queue/connection.js';
import {
  limitBlocklists,
  limitSmtp,
  RedisRateLimiter,
  redisBlocklistBudget,
} from '../../../src/fleet/queue/limiter.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { newCounters } from '../../../src/probe/dns.js';
import type { SmtpProbeResult } from '../../../src/probe/smtp.js';
import type { Probe } from '../../../src/probe/types.js';
import { memoryResolver } from '../../helpers/memory-resolver.js';
import { makeWorld } from '../world.js';
import { writeConfig } from './helpers.js';
import { type RedisHandle, startRedis } from './redis.js';

const PASSWORD = 'S3cret-pa55-9f2e';
const COUNT = 4;
let redis: RedisHandle;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  [redis, lab] = await Promise.all([startRedis({ password: PASSWORD }), startLab(makeWorld(COUNT).zone)]);
  root = mkdtempSync(join(tmpdir(), 'mp-queue-secret-'));
});
afterAll(async () => {
  await Promise.all([redis.stop(), lab.stop()]);
  rmSync(root, { recursive: true, force: true });
});

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? allText(path) : readFileSync(path, 'utf8');
  }
  return out;
}

function capture(env: NodeJS.ProcessEnv) {
  let text = '';
  const write = (s: string) => {
    text += s;
  };
  return { io: { stdout: write, stderr: write, isTty: false, env }, text: () => text };
}

describe('the Redis password', () => {
  it('is masked in the URL shown, taken from REDIS_PASSWORD when the URL has none, and redacted from errors', () => {
    expect(maskRedisUrl(`redis://user:${PASSWORD}@host:6379/2`)).toBe('redis://user:***@host:6379/2');
    const fromEnv = redisTargetOf('env', {
      MAIL_PREFLIGHT_REDIS_URL: 'rediss://redis.example:6380/3',
      REDIS_PASSWORD: PASSWORD,
    });
    expect(fromEnv.connection).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 3,
      password: PASSWORD,
    });
    expect(fromEnv.connection.tls).toEqual({ servername: 'redis.example' });
    expect(fromEnv.display).toBe('rediss://:***@redis.example:6380/3');
    expect(redactSecrets(`WRONGPASS for ${PASSWORD}`, fromEnv.secrets)).toBe('WRONGPASS for ***');
    expect(() => redisTargetOf(`http://:${PASSWORD}@x/0`, {})).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisTargetOf(`http://:${PASSWORD}@x/0`, {})).not.toThrow(new RegExp(PASSWORD));
    expect(() => redisTargetOf(undefined, {})).toThrow(/MAIL_PREFLIGHT_REDIS_URL/);
  });

  it('appears in no output, log line or out-dir file of a run; a wrong one ends the run with a masked error', async () => {
    const config = writeConfig(root, COUNT);
    const dir = join(root, 'out');
    // The worker reads its URL and password from the environment, the coordinator from --queue.
    const workerOut = capture({
      MAIL_PREFLIGHT_REDIS_URL: `redis://127.0.0.1:${redis.port}/0`,
      REDIS_PASSWORD: PASSWORD,
    });
    const worker = main(
      ['worker', '--resolver', `${lab.host}:${lab.port}`, '--no-smtp', '--idle-exit', '2'],
      workerOut.io,
    );
    const fleetOut = capture({});
    const args = ['fleet', '--config', config, '--out-dir', dir, '--no-smtp', '--no-baseline'];
    const code = await main([...args, '--queue', redis.url], fleetOut.io);
    expect(await worker).toBe(0);
    expect([0, 1]).toContain(code);
    expect(fleetOut.text()).toContain(`on redis://:***@127.0.0.1:${redis.port}/0`);
    expect(workerOut.text()).toContain('identities audited');
    for (const text of [fleetOut.text(), workerOut.text(), allText(dir)])
      expect(text).not.toContain(PASSWORD);

    const wrong = 'wrong-Pa55-d41c';
    const bad = capture({});
    const badCode = await main(
      [
        ...args,
        '--out-dir',
        join(root, 'bad'),
        '--queue',
        `redis://:${wrong}@127.0.0.1:${redis.port}/0`,
      ].concat(['--queue-timeout', '1']),
      bad.io,
    );
    expect(badCode).not.toBe(0);
    // A DQS key given to the coordinator is not passed on through Redis: it says so, and the
    // key appears nowhere.
    const dqs = capture({});
    await main(
      [
        ...args,
        '--out-dir',
        join(root, 'dqs'),
        '--queue',
        `redis://:${wrong}@127.0.0.1:${redis.port}/0`,
      ].concat(['--queue-timeout', '1', '--dqs-key', 'dqskey4711']),
      dqs.io,
    );
    expect(dqs.text()).toContain('give --dqs-key and --blocklist to `mail-preflight worker`');
    expect(`${dqs.text()}${allText(join(root, 'dqs'))}`).not.toContain('dqskey4711');
    expect(bad.text()).toMatch(
      /lost the queue's Redis \(redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0\) for \d+ s: WRONGPASS/,
    );
    expect(bad.text()).not.toContain(wrong);
    expect(allText(join(root, 'bad'))).not.toContain(wrong);
  }, 30_000);
});

describe('the Redis-backed limit across workers', () => {
  it('lets `limit` uses of a key through per window across two clients, then makes the rest wait; other keys do not wait', async () => {
    const clients = [0, 1].map(() => new Redis({ ...redisTargetOf(redis.url, {}).connection }));
    try {
      const options = { limit: 3, windowMs: 400, scope: `test-${Date.now()}` };
      const [a, b] = clients.map((c) => new RedisRateLimiter(c, options)) as [
        RedisRateLimiter,
        RedisRateLimiter,
      ];
      const t0 = Date.now();
      const times: number[] = [];
      await Promise.all(
        Array.from({ length: 7 }, (_, i) =>
          (i % 2 ? a : b).acquire('mx.shared.example').then(() => times.push(Date.now() - t0)),
        ),
      );
      times.sort((x, y) => x - y);
      // 3 in the first window, 3 in the second, 1 in the third.
      expect(times.filter((t) => t < 300)).toHaveLength(3);
      expect(times[3]).toBeGreaterThanOrEqual(350);
      expect(times[6]).toBeGreaterThanOrEqual(750);
      const t1 = Date.now();
      await a.acquire('mx.other.example');
      expect(Date.now() - t1).toBeLessThan(200);
      // An aborted wait rejects instead of hanging.
      const stop = new AbortController();
      const waiting = Promise.all([1, 2, 3, 4].map(() => a.acquire('mx.busy.example', stop.signal)));
      stop.abort(new Error('stopped'));
      await expect(waiting).rejects.toThrow('stopped');
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('limitSmtp asks the limiter once per MX host, before the prober connects', async () => {
    const asked: string[] = [];
    const probed: string[] = [];
    const probe: Probe = {
      dns: {
        query: async () => ({
          kind: 'error',
          name: '',
          type: 'A',
          cnameChain: [],
          error: 'timeout',
          detail: '',
        }),
      },
      counters: newCounters,
      smtp: {
        probe: async (host) => {
          probed.push(host);
          return { host, port: 25, connected: false, durationMs: 0 } as SmtpProbeResult;
        },
      },
    };
    const limited = limitSmtp(probe, {
      acquire: async (key) => {
        asked.push(key);
        expect(probed).not.toContain(key);
      },
    });
    await Promise.all([
      limited.smtp?.probe('MX1.example.'),
      limited.smtp?.probe('mx1.example'),
      limited.smtp?.probe('mx2.example'),
    ]);
    expect(asked).toEqual(['mx1.example', 'mx2.example']);
    expect(probed).toHaveLength(3);
    expect(limitSmtp({ ...probe, smtp: undefined }, { acquire: async () => {} }).smtp).toBeUndefined();
  });

  it('limitBlocklists: over the daily free-use quota of a list (counted in Redis across workers) a query is not sent and answers REFUSED; DQS and other names are not counted', async () => {
    const clients = [0, 1].map(() => new Redis({ ...redisTargetOf(redis.url, {}).connection }));
    try {
      await clients[0]!.flushdb();
      // Two Spamhaus lists with a quota of 2 queries a day each; the others have no quota.
      const lists = BLOCKLISTS.map((l) =>
        l.freeQueriesPerDay !== undefined ? { ...l, freeQueriesPerDay: 2 } : l,
      );
      const dns = memoryResolver({
        '2.0.0.192.zen.spamhaus.org': { A: '127.0.0.2' },
        '3.0.0.192.zen.spamhaus.org': { A: '127.0.0.3' },
        '4.0.0.192.zen.spamhaus.org': { A: '127.0.0.4' },
        '2.0.0.192.bl.spamcop.net': { A: '127.0.0.2' },
        '2.0.0.192.key123.zen.dq.spamhaus.net': { A: '127.0.0.2' },
      });
      const probe: Probe = { dns, counters: newCounters };
      const [a, b] = clients.map((c) => limitBlocklists(probe, redisBlocklistBudget(c, lists), lists)) as [
        Probe,
        Probe,
      ];
      // Worker a asks one name twice (counted once), worker b a second name: the quota of 2 is used.
      expect((await a.dns.query('2.0.0.192.zen.spamhaus.org', 'A')).kind).toBe('ok');
      expect((await a.dns.query('2.0.0.192.zen.spamhaus.org.', 'A')).kind).toBe('ok');
      expect((await b.dns.query('3.0.0.192.zen.spamhaus.org', 'A')).kind).toBe('ok');
      const over = await a.dns.query('4.0.0.192.zen.spamhaus.org', 'A');
      expect(over).toMatchObject({ kind: 'error', error: 'refused' });
      expect(over.kind === 'error' && over.detail).toContain("zen.spamhaus.org's free-use quota");
      expect(dns.asked).not.toContain('A 4.0.0.192.zen.spamhaus.org');
      // No quota on SpamCop; a DQS zone is paid for, never counted.
      for (let i = 0; i < 3; i++) {
        expect((await b.dns.query('2.0.0.192.bl.spamcop.net', 'A')).kind).toBe('ok');
        expect((await b.dns.query('2.0.0.192.key123.zen.dq.spamhaus.net', 'A')).kind).toBe('ok');
      }
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});
