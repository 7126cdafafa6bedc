/**
 * checkRecipients(): a recipient list checked in one streamed pass. Records are read one at a
 * time (read.ts); each address's syntax is judged at once, its domain through the run's one
 * probe (domain.ts: each domain's questions asked once), and results are handed back in input
 * order through `onResult` while at most `window` addresses are in flight. Memory is bounded
 * whatever the list's size: the window, the bounded verdict and tally maps, and the duplicate
 * sets of 8 bytes per address (seen.ts).
 */

import { countersSince } from '../fleet/run.js';
import { type ProbeOptions, withProbe } from '../probe/create.js';
import type { Probe } from '../probe/types.js';
import { DomainJudge, type DomainVerdict } from './domain.js';
import { type Prefetch, startPrefetch } from './prefetch.js';
import { type InputFormat, type InputRecord, readRecipientBatches } from './read.js';
import { RECIPIENT_REASONS, type ReasonSpec, type RecipientReason } from './reasons.js';
import { HashedStringSet } from './seen.js';
import { isDisposableDomain, isRoleAccount } from './signals.js';
import { type ParsedAddress, parseAddress, syntaxSuggestion } from './syntax.js';
import {
  type DomainTally,
  type PredictedRecipientReply,
  RECIPIENT_STATUSES,
  type RecipientResult,
  type RecipientStatus,
  type RecipientsSummary,
} from './types.js';
import { FrequentDomains, type TypoVerdict, tldTypoOf, typoDetail, typoOf } from './typos.js';

/**
 * Addresses in flight at once by default: enough distinct new domains to keep the probe's DNS
 * concurrency busy behind a slow one, while results still leave in input order. Measured at
 * 1,000,000 addresses over 50,000 domains (20-50 ms per query): 4,096 gave 40,800 addresses/s,
 * 16,384 gave 53,600 (and ~20 MB more at peak).
 */
export const DEFAULT_RECIPIENT_WINDOW = 16384;
/** Domains listed in the summary's worst domains. */
export const WORST_DOMAINS_SHOWN = 20;
/** Domains tallied for the worst-domain list; when full, the domains with one bad address go. */
export const MAX_TALLIED_DOMAINS = 20_000;
/** Records between two looks at the prefetch (whether the per-address work should wait). */
const PREFETCH_CHECK_EVERY = 256;
/**
 * DNS questions waiting for a slot above which the prefetch pauses (its next batch waits): the
 * probe's queue stays bounded however many domains the list holds.
 */
const PREFETCH_MAX_QUEUED = 4096;
/** Prefetched domains not yet reached above which the per-address pass no longer waits for the DNS. */
const PREFETCH_CATCH_UP = DomainJudge.MAX_AHEAD / 2;
/** Typo verdicts of domains that take mail, kept per run (cleared when full). */
const MAX_TYPO_MEMO = 100_000;

export interface CheckRecipientsOptions {
  /** The run's probe (shared with other work; the caller closes it). Default: one made from probeOptions. */
  probe?: Probe;
  probeOptions?: ProbeOptions;
  /** No DNS: syntax, typos of the TLD, role, disposable and duplicate signals only. */
  noDns?: boolean;
  /** The CSV column holding the address (default `email` or an alias). */
  column?: string;
  /**
   * The list's file path, when `input` reads a regular file: a worker thread reads it again
   * ahead of the check and starts its domains' lookups early (prefetch.ts), so the DNS runs at
   * the resolver's pace instead of the per-address work's. Results are the same without it.
   */
  prefetchFile?: string;
  /** Addresses in flight at once (default DEFAULT_RECIPIENT_WINDOW). */
  window?: number;
  /** Each result, in input order; a returned promise is awaited (back-pressure). */
  onResult?: (result: RecipientResult) => void | Promise<void>;
  /** The input's format, once known. */
  onFormat?: (format: InputFormat) => void;
  signal?: AbortSignal;
}

/** An address read and judged for syntax, waiting for its domain. */
interface Pending {
  record: InputRecord;
  parsed?: ParsedAddress;
  syntaxError?: { reason: RecipientReason; detail: string };
  duplicate?: 'duplicate' | 'duplicate-case';
  verdict?: Promise<DomainVerdict>;
}

const NOT_CHECKED: DomainVerdict = {
  reason: 'ok/not-checked',
  receivesMail: true,
  evidence: { mx: 'skipped' },
};
const LITERAL: DomainVerdict = {
  reason: 'domain/address-literal',
  receivesMail: true,
  evidence: { mx: 'not asked (address literal)' },
};

/** A FIFO of promises with O(1) push and shift. */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** The run's running totals, turned into the summary at the end. */
class Tally {
  total = 0;
  byStatus = Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  byReason = new Map<string, number>();
  private domains = new Map<string, DomainTally>();

  add(r: RecipientResult): void {
    this.total++;
    this.byStatus[r.status]++;
    this.byReason.set(r.reason, (this.byReason.get(r.reason) ?? 0) + 1);
    if (r.status === 'ok' || r.domain === undefined) return;
    const had = this.domains.get(r.domain);
    if (had) {
      had.addresses++;
      return;
    }
    if (this.domains.size >= MAX_TALLIED_DOMAINS) {
      for (const [d, t] of this.domains) if (t.addresses <= 1) this.domains.delete(d);
      if (this.domains.size >= MAX_TALLIED_DOMAINS) return;
    }
    this.domains.set(r.domain, { domain: r.domain, addresses: 1, status: r.status, reason: r.reason });
  }

  worst(): DomainTally[] {
    return [...this.domains.values()]
      .sort((a, b) => b.addresses - a.addresses || (a.domain < b.domain ? -1 : 1))
      .slice(0, WORST_DOMAINS_SHOWN);
  }

  byReasonSorted(): Record<string, number> {
    return Object.fromEntries([...this.byReason].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** The reply with the domain and host named where the text has placeholders. */
function replyFor(
  reason: RecipientReason,
  domain: string | undefined,
  host?: string,
): PredictedRecipientReply | undefined {
  const reply = (RECIPIENT_REASONS[reason] as ReasonSpec).reply;
  if (!reply) return undefined;
  return {
    ...reply,
    text: reply.text.replace('DOMAIN', domain ?? 'the domain').replace('HOST', host ?? domain ?? 'the host'),
  };
}

/**
 * Checks the recipient list `input` (bytes or text chunks, e.g. a file stream). Results go to
 * `onResult` in input order; the promise resolves to the run's summary. Throws
 * RecipientInputError when the list cannot be read at all (no address column, UTF-16 without BOM).
 */
export async function checkRecipients(
  input: AsyncIterable<Uint8Array | string>,
  options: CheckRecipientsOptions = {},
): Promise<RecipientsSummary> {
  if (options.noDns) return run(input, options, undefined);
  return withProbe(options.probe, options.probeOptions ?? {}, (probe) => run(input, options, probe));
}

async function run(
  input: AsyncIterable<Uint8Array | string>,
  options: CheckRecipientsOptions,
  probe: Probe | undefined,
): Promise<RecipientsSummary> {
  const started = performance.now();
  const dnsAtStart = probe?.counters();
  const judge = probe ? new DomainJudge(probe.dns, options.signal) : undefined;
  const exact = new HashedStringSet();
  const folded = new HashedStringSet();
  const frequent = new FrequentDomains();
  const lookalikes = new Map<string, TypoVerdict | null>();
  const unreceiving = new Map<string, { version: number; typo: TypoVerdict | null }>();
  const tally = new Tally();
  const window = Math.max(1, options.window ?? DEFAULT_RECIPIENT_WINDOW);
  const queue = new Queue<Pending>();
  let format: InputFormat = { format: 'lines', encoding: 'utf-8' };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const dnsQueued = (): number => probe?.dnsLoad?.().queued ?? 0;
  /** Questions waiting or in flight (the DNS has work the per-address pass would slow down). */
  const dnsBusy = (): boolean => {
    const load = probe?.dnsLoad?.();
    return load !== undefined && (load.queued > 0 || load.active > 0);
  };
  let prefetch: Prefetch | undefined;
  const startPrefetchOf = (f: InputFormat): void => {
    if (options.prefetchFile === undefined || !judge) return;
    prefetch = startPrefetch({
      path: options.prefetchFile,
      format: f,
      ...(options.signal ? { signal: options.signal } : {}),
      onDomains: async (domains) => {
        for (const d of domains) judge.prefetch(d);
        while (
          !options.signal?.aborted &&
          (dnsQueued() > PREFETCH_MAX_QUEUED || judge.aheadCount >= DomainJudge.MAX_AHEAD)
        )
          await sleep(5);
      },
    });
  };

  const start = (record: InputRecord): Pending => {
    if (record.error) return { record, syntaxError: record.error };
    const parsed = parseAddress(record.address);
    if (!parsed.ok) return { record, syntaxError: { reason: parsed.reason, detail: parsed.detail } };
    const normalized = `${parsed.canonicalLocal}@${parsed.domain}`;
    const pending: Pending = { record, parsed };
    // Duplicates in input order: decided here, before any await.
    if (exact.addSeen(normalized)) pending.duplicate = 'duplicate';
    else if (folded.addSeen(normalized.toLowerCase())) pending.duplicate = 'duplicate-case';
    if (!parsed.literal && judge) pending.verdict = judge.verdict(parsed.domain);
    return pending;
  };

  const typoFor = (domain: string, verdict: DomainVerdict): TypoVerdict | undefined => {
    // Without DNS only what needs none: a mistyped TLD and a provider lookalike.
    if (verdict === NOT_CHECKED) return tldTypoOf(domain) ?? typoOf(domain, true);
    if (!verdict.receivesMail) {
      const known = unreceiving.get(domain);
      if (known && known.version === frequent.version) return known.typo ?? undefined;
      if (unreceiving.size >= MAX_TYPO_MEMO) unreceiving.clear();
      const typo = typoOf(domain, false, frequent.current()) ?? null;
      unreceiving.set(domain, { version: frequent.version, typo });
      return typo ?? undefined;
    }
    let memo = lookalikes.get(domain);
    if (memo === undefined) {
      if (lookalikes.size >= MAX_TYPO_MEMO) lookalikes.clear();
      memo = typoOf(domain, true) ?? null;
      lookalikes.set(domain, memo);
    }
    return memo ?? undefined;
  };

  const finish = async (p: Pending): Promise<RecipientResult> => {
    const line = p.record.line;
    if (!p.parsed) {
      const reason = p.syntaxError?.reason ?? 'syntax/empty';
      const reply = replyFor(reason, undefined);
      const suggestion = p.syntaxError ? syntaxSuggestion(p.record.address) : undefined;
      return {
        address: p.record.address,
        status: RECIPIENT_REASONS[reason].status,
        reason,
        ...(reply ? { predictedReply: reply } : {}),
        ...(suggestion ? { suggestion } : {}),
        evidence: { line, ...(p.syntaxError ? { detail: p.syntaxError.detail } : {}) },
      };
    }
    const parsed = p.parsed;
    let verdict: DomainVerdict;
    if (parsed.literal) verdict = LITERAL;
    else if (!p.verdict) verdict = NOT_CHECKED;
    else {
      try {
        verdict = await p.verdict;
      } catch (err) {
        verdict = {
          reason: 'dns/lookup-failed',
          receivesMail: false,
          evidence: { mx: 'error', detail: (err as Error).message },
        };
      }
    }
    const domainStatus = RECIPIENT_REASONS[verdict.reason].status;
    if (verdict.receivesMail && !parsed.literal && p.verdict) frequent.add(parsed.domain);
    const typo = !parsed.literal && domainStatus !== 'unknown' ? typoFor(parsed.domain, verdict) : undefined;
    const reasons: RecipientReason[] = [];
    if (typo) reasons.push(`typo/${typo.kind}`);
    if (domainStatus !== 'ok') reasons.push(verdict.reason);
    if (isDisposableDomain(parsed.domain)) reasons.push('disposable');
    if (parsed.smtputf8) reasons.push('smtputf8-local-part');
    if (isRoleAccount(parsed.local)) reasons.push('role-account');
    if (p.duplicate) reasons.push(p.duplicate);
    const reason = reasons[0] ?? verdict.reason;
    // A typo's send draws the reply of its domain's own reason.
    const replyReason = typo && domainStatus === 'undeliverable' ? verdict.reason : reason;
    const firstHost = verdict.evidence.hosts?.[0]?.host;
    const reply = replyFor(replyReason, parsed.domain, firstHost);
    const at = typo ? `${parsed.local}@${typo.suggestion}` : undefined;
    return {
      address: p.record.address,
      normalized: `${parsed.canonicalLocal}@${parsed.domain}`,
      domain: parsed.domain,
      status: RECIPIENT_REASONS[reason].status,
      reason,
      ...(reply ? { predictedReply: reply } : {}),
      ...(at ? { suggestion: at } : {}),
      evidence: {
        line,
        ...(reasons.length > 1 ? { otherReasons: reasons.slice(1) } : {}),
        ...(parsed.smtputf8 ? { smtputf8: true } : {}),
        ...(parsed.unicodeDomain !== undefined ? { unicodeDomain: parsed.unicodeDomain } : {}),
        domain: verdict.evidence,
        detail:
          typo && reason === `typo/${typo.kind}`
            ? typoDetail(parsed.domain, typo)
            : RECIPIENT_REASONS[reason].meaning,
      },
    };
  };

  const emit = async (): Promise<void> => {
    const p = queue.shift();
    if (!p) return;
    const result = await finish(p);
    tally.add(result);
    const done = options.onResult?.(result);
    if (done) await done;
  };

  const batches = readRecipientBatches(input, {
    ...(options.column !== undefined ? { column: options.column } : {}),
    onFormat: (f) => {
      format = f;
      startPrefetchOf(f);
      options.onFormat?.(f);
    },
  });
  try {
    let sinceLook = 0;
    for await (const batch of batches) {
      if (options.signal?.aborted) break;
      for (const record of batch) {
        // The domains first: while prefetched lookups are unsettled (or the prefetch is still
        // reading) and DNS questions are waiting or in flight, the per-address work (which only
        // needs their answers) gives the event loop to them.
        if (prefetch && ++sinceLook >= PREFETCH_CHECK_EVERY) {
          sinceLook = 0;
          // Not when the prefetch is far ahead: then this pass must catch up (the prefetch
          // waits for it at MAX_AHEAD), or a list of a million domains would crawl.
          while (
            (prefetch.active || (judge?.prefetchUnsettled ?? 0) > 0) &&
            (judge?.aheadCount ?? 0) < PREFETCH_CATCH_UP &&
            dnsBusy() &&
            !options.signal?.aborted
          )
            await sleep(1);
        }
        queue.push(start(record));
        while (queue.length >= window) await emit();
      }
    }
    while (queue.length > 0) await emit();
  } finally {
    prefetch?.stop();
  }

  const dns = probe && dnsAtStart ? countersSince(dnsAtStart, probe.counters()) : undefined;
  return {
    total: tally.total,
    byStatus: tally.byStatus,
    byReason: tally.byReasonSorted(),
    worstDomains: tally.worst(),
    domainsChecked: judge?.judged ?? 0,
    input: {
      format: format.format,
      ...(format.separator !== undefined ? { separator: format.separator } : {}),
      ...(format.column !== undefined ? { column: format.column } : {}),
      encoding: format.encoding,
    },
    ...(dns ? { dns } : {}),
    elapsedMs: Math.round(performance.now() - started),
  };
}
