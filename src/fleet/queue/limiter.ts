/**
 * Limits that hold across every worker of a run: at most `limit` acquisitions of a key per
 * window, counted in Redis (a fixed window: INCR, and PEXPIRE on the window's first hit, in
 * one Lua script so a crash cannot leave a counter without its expiry). Used for SMTP probes
 * per MX host, so N machines are as polite to one destination as one machine is.
 */
import type { Redis } from 'ioredis';
import type { SmtpProber } from '../../probe/smtp.js';
import type { Probe } from '../../probe/types.js';

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
 * else the ms until the window ends.
 */
const ACQUIRE_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
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
