/**
 * Limits that hold across every worker of a run: at most `limit` acquisitions of a key per
 * window, counted in Redis (a fixed window: INCR, and PEXPIRE on the window's first hit, in
 * one Lua script so a crash cannot leave a counter without its expiry). Used for SMTP probes
 * per MX host, so N machines are as polite to one destination as one machine is.
 */
import type { Redis } from 'ioredis';
import { BLOCKLISTS, type Blocklist } from '../../../checks/reputation/index.js';
import type { SmtpProber } from '../../probe/smtp.js';
import type { DnsResult, Probe, Resolver } from '../../probe/types.js';
import { normalizeName } from '../../probe/wire.js';

/** Something that waits its turn for a key. */
export interface RateLimiter {
  /** Resolves when one more use of `key` is allowed; rejects when `signal` aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
}

/** The prefix of the limiter's counters in Redis. */
const KEY_PREFIX = 'mail-preflight:limit:';
/** Waits between tries are at least this long (a window's remaining time may read as 0 ms). */
const MIN_WAIT_MS = 5;

/**
 * KEYS[1] the counter; ARGV[1] the limit, ARGV[2] the window (ms). Returns 0 when allowed,
 * else the ms until the window ends, at least 1: PTTL reads 0 in a window's last millisecond,
 * which the caller would have taken for "allowed" (one use over the limit, seen under load).
 */
const ACQUIRE_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
if ttl < 1 then ttl = 1 end
return ttl
`;

export interface RedisRateLimiterOptions {
  /** Acquisitions allowed per key and window. */
  limit: number;
  windowMs: number;
  /** Namespace inside the prefix (e.g. "smtp"). */
  scope: string;
}

/** A fixed-window limiter shared through Redis by every process that uses the same scope. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRateLimiterOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new RangeError('limit must be at least 1');
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive');
  }

  /** Takes one use of `key` if the window has one left; never waits. */
  async tryAcquire(key: string): Promise<boolean> {
    const counter = `${KEY_PREFIX}${this.options.scope}:${key}`;
    const wait = Number(
      await this.redis.eval(ACQUIRE_LUA, 1, counter, this.options.limit, this.options.windowMs),
    );
    return wait === 0;
  }

  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    const counter = `${KEY_PREFIX}${this.options.scope}:${key}`;
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(
        await this.redis.eval(ACQUIRE_LUA, 1, counter, this.options.limit, this.options.windowMs),
      );
      if (wait === 0) return;
      await sleep(Math.max(MIN_WAIT_MS, wait), signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The probe with its SMTP probes limited per MX host by `limiter`. The prober answers a host
 * it already probed from its cache, so only the first request per host and server name waits
 * (and counts); the others join it.
 */
export function limitSmtp(probe: Probe, limiter: RateLimiter): Probe {
  const inner = probe.smtp;
  if (!inner) return probe;
  const admitted = new Map<string, Promise<void>>();
  const smtp: SmtpProber = {
    async probe(host, opts = {}) {
      const name = host.toLowerCase().replace(/\.$/, '');
      const id = `${name}|${opts.servername ?? name}`;
      let turn = admitted.get(id);
      if (!turn) {
        turn = limiter.acquire(name, opts.signal);
        admitted.set(id, turn);
        // A wait cut short by its caller's signal is not a turn: the next caller asks again.
        turn.catch(() => admitted.delete(id));
      }
      await turn;
      return inner.probe(host, opts);
    },
  };
  return { ...probe, smtp };
}

/** A budget of queries per key that is either there or not: a list's daily free-use quota. */
export interface QueryBudget {
  /** True when one more query of `key` fits (and counts it); false when the budget is spent. */
  take(key: string): Promise<boolean>;
}

/** Blocklist questions remembered as counted, per probe (FLEET_DEFAULT_CACHE_ENTRIES' order). */
const COUNTED_QUESTIONS_KEPT = 50_000;
/** A day, the window of the lists' free-use quotas (Spamhaus: queries per day). */
export const DAY_MS = 86_400_000;

/** One Redis counter per list with a free-use quota, shared by every worker of every run. */
export function redisBlocklistBudget(redis: Redis, lists: readonly Blocklist[] = BLOCKLISTS): QueryBudget {
  const limiters = new Map<string, RedisRateLimiter>();
  for (const list of lists) {
    if (list.freeQueriesPerDay === undefined) continue;
    limiters.set(
      list.zone,
      new RedisRateLimiter(redis, { limit: list.freeQueriesPerDay, windowMs: DAY_MS, scope: 'blocklist' }),
    );
  }
  return { take: (zone) => limiters.get(zone)?.tryAcquire(zone) ?? Promise.resolve(true) };
}

/**
 * The probe with its queries to public blocklists counted against each list's free-use quota
 * (`freeQueriesPerDay`, lists.ts) across every worker: over the quota, the query is not sent
 * and answers REFUSED, which the reputation check reports as unknown ("could not check"),
 * never as a listing or a pass. Waiting out a daily quota is no option for a nightly run, and
 * sending over it gets the machine's resolver blocked. DQS zones (a paid key) are not counted.
 * Repeated questions are answered by the probe's cache and count once.
 */
export function limitBlocklists(
  probe: Probe,
  budget: QueryBudget,
  lists: readonly Blocklist[] = BLOCKLISTS,
): Probe {
  const quotaZones = lists.filter((l) => l.freeQueriesPerDay !== undefined).map((l) => l.zone);
  if (quotaZones.length === 0) return probe;
  const inner = probe.dns;
  const counted = new Map<string, Promise<boolean>>();
  const dns: Resolver = {
    async query(name, type, options) {
      const asked = normalizeName(name);
      const zone = quotaZones.find((z) => asked.endsWith(`.${z}`));
      if (zone === undefined) return inner.query(name, type, options);
      const id = `${type} ${asked}`;
      let allowed = counted.get(id);
      if (!allowed) {
        // Bounded like the probe's cache: a question forgotten here counts again (conservative).
        if (counted.size >= COUNTED_QUESTIONS_KEPT) counted.clear();
        allowed = budget.take(zone).catch(() => false);
        counted.set(id, allowed);
      }
      if (await allowed) return inner.query(name, type, options);
      return overQuota(asked, type, zone);
    },
  };
  return { ...probe, dns };
}

function overQuota(name: string, type: DnsResult['type'], zone: string): DnsResult {
  return {
    name,
    type,
    cnameChain: [],
    kind: 'error',
    error: 'refused',
    detail: `not sent: this run's workers used ${zone}'s free-use quota for today (give a DQS key)`,
  };
}
