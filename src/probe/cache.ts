/**
 * Per-run DNS cache in front of a Resolver. It stores the promise, so identical questions
 * in flight share one packet, and bounds how many questions reach the inner resolver at
 * once. Error results are cached for the run too (a name that times out is not asked again
 * by every domain of a fleet), except when the caller aborted the question.
 *
 * The cache never answers for protocol limits: the SPF evaluator counts its own lookups,
 * whether or not they were served from here.
 */

import { onAbort } from './abort.js';
import { ConcurrencyLimiter, type LimiterLoad } from './limiter.js';
import {
  type DnsCounters,
  type DnsResult,
  type QueryOptions,
  type Resolver,
  RR_TYPES,
  type RRType,
} from './types.js';
import { normalizeName } from './wire.js';

/**
 * Questions in flight when a fixed limit is wanted without a number (tests, the `spf`
 * command's single evaluation). Runs default to the adaptive limit (limiter.ts).
 */
export const DEFAULT_CONCURRENCY = 64;
/** Keeps memory bounded in huge fleet runs; the least recently used entry goes first. */
export const DEFAULT_MAX_CACHE_ENTRIES = 200_000;

export interface CacheOptions {
  /** Questions in flight to the inner resolver at once; undefined: adaptive (limiter.ts). */
  concurrency?: number;
  maxEntries?: number;
}

/** One shared prefix string per type, so a key costs one cons string over the name. */
const KEY_PREFIX = new Map<string, string>(RR_TYPES.map((t) => [t, `${t} `]));

export function cacheKey(type: RRType, name: string): string {
  return (KEY_PREFIX.get(type) ?? `${type} `) + normalizeName(name);
}

function abortedResult(name: string, type: RRType): DnsResult {
  return {
    name: normalizeName(name),
    type,
    cnameChain: [],
    kind: 'error',
    error: 'timeout',
    detail: 'aborted',
  };
}

const ABORTED = Symbol('aborted');

/** A cache entry: the question in flight, then its result; `order`: its place in the LRU order. */
interface Entry {
  value: Promise<DnsResult> | DnsResult;
  order: number;
}

/** The answer, or ABORTED as soon as `signal` aborts (one registry entry, no listener). */
function untilAborted(entry: Promise<DnsResult>, signal: AbortSignal): Promise<DnsResult | typeof ABORTED> {
  return new Promise((resolve) => {
    const stop = onAbort(signal, () => resolve(ABORTED));
    entry.then((result) => {
      stop();
      resolve(result);
    });
  });
}

/** Timeouts and SERVFAIL tell the adaptive limit to back off; anything else is an answer. */
function outcomeOf(result: DnsResult): 'ok' | 'failure' {
  return result.kind === 'error' && (result.error === 'timeout' || result.error === 'servfail')
    ? 'failure'
    : 'ok';
}

export function createCachedResolver(
  inner: Resolver,
  counters: DnsCounters,
  options: CacheOptions = {},
): Resolver & { size(): number; clear(): void; load(): LimiterLoad } {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new Error('createCachedResolver: maxEntries must be an integer >= 1');
  }
  const limiter = new ConcurrencyLimiter(options.concurrency);
  // An entry holds the question's promise while it is in flight, then the result itself (a
  // settled promise costs ~50 bytes more per entry, and a fleet run keeps tens of thousands).
  // Replacing the value keeps the key's place in the LRU order.
  const entries = new Map<string, Entry>();
  // Places in the LRU order handed out so far: an entry's age is `order - entry.order`.
  let order = 0;
  // A hit moves its entry to the young end only when the entry is at least this old. Moving on
  // every hit (a Map delete and set) kept the Map rehashing: ~5% of a fleet run's CPU (measured
  // with --cpu-prof), where every SPF evaluation hits the same include names again; a name in
  // use now moves once per eighth of the cache. An entry younger than this is never the one
  // evicted (fewer than an eighth of the cache's entries are younger than it, and the oldest
  // goes only when the cache is full): the order is least recently used to within an eighth of
  // the cache. (Within half, it let 100,000 identities send 1.048 x the distinct questions
  // instead of 1.042.)
  const refreshAge = Math.ceil(maxEntries / 8);

  function start(key: string, name: string, type: RRType, signal: AbortSignal | undefined): Entry {
    const entry: Entry = { value: undefined as unknown as Promise<DnsResult>, order: order++ };
    const promise = limiter
      .run(
        () =>
          signal?.aborted ? Promise.resolve(abortedResult(name, type)) : inner.query(name, type, { signal }),
        outcomeOf,
      )
      .then((result) => {
        if (entries.get(key) === entry) {
          // An answer cut short by its caller says nothing about the name: do not keep it.
          if (result.kind === 'error' && signal?.aborted) entries.delete(key);
          else entry.value = result;
        }
        return result;
      });
    entry.value = promise;
    entries.set(key, entry);
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    return entry;
  }

  async function query(name: string, type: RRType, queryOptions?: QueryOptions): Promise<DnsResult> {
    const signal = queryOptions?.signal;
    if (signal?.aborted) return abortedResult(name, type);
    const key = cacheKey(type, name);
    let entry = entries.get(key);
    if (entry) {
      counters.cacheHits++;
      // Least recently used goes first: an old hit moves to the young end, so names shared by
      // many domains (an ESP's include tree) stay while each domain's own names age out.
      if (order - entry.order >= refreshAge) {
        entries.delete(key);
        entries.set(key, entry);
        entry.order = order++;
      }
      if (!(entry.value instanceof Promise)) return entry.value;
    } else {
      counters.cacheMisses++;
      entry = start(key, name, type, signal);
    }
    // In flight: a settled entry was returned above, and a fresh one settles later.
    const asked = entry.value as Promise<DnsResult>;
    // Our own signal ends our wait (also while queued behind the concurrency limit), not
    // the shared question, which others may be waiting for.
    const result = signal ? await untilAborted(asked, signal) : await asked;
    if (result === ABORTED) return abortedResult(name, type);
    // The question's first asker gave up, we did not: ask afresh (that entry is gone).
    if (result.kind === 'error' && result.detail === 'aborted' && !signal?.aborted) {
      if (entries.get(key) !== entry) return query(name, type, queryOptions);
    }
    return result;
  }

  // Questions in flight keep their promise for those already waiting; new askers ask afresh.
  return { query, size: () => entries.size, clear: () => entries.clear(), load: () => limiter.load() };
}
