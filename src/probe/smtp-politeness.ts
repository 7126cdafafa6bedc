/**
 * Politeness towards the receivers a run's SMTP probes connect to. A fleet run may probe the
 * MX hosts of thousands of domains, and many of those hosts sit side by side in one provider's
 * network; receivers count connections per source and per network, and a burst reads as a
 * scan. So, besides the prober's own limits (one probe per host:port per run, one connection
 * per host at a time, `maxConcurrent` in all):
 *
 * - at most `perNetwork` connections at once to one network: an IPv4 /24 or an IPv6 /64
 *   (the usual unit of a hosting allocation and of receivers' rate limits);
 * - at least `gapMs` between two connection starts to one network.
 *
 * Waiting for a network does not hold one of the run's overall slots, so other networks go on.
 */

import { parseIp } from '../ip-bytes.js';
import { onAbort } from './abort.js';

/** Connections at once to one /24 or /64, by default. */
export const SMTP_DEFAULT_PER_NETWORK = 2;
/** Least time between two connection starts to one /24 or /64 (ms), by default. */
export const SMTP_DEFAULT_NETWORK_GAP_MS = 100;
/** Networks remembered at most (an idle one is forgotten first); past it, the oldest goes. */
const MAX_NETWORKS = 100_000;

/** The network of an address: `a.b.c.0/24` for IPv4 (IPv4-mapped too), the /64 for IPv6. */
export function networkOf(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address;
  const b = ip.bytes;
  if (ip.family === 4) return `${b[0]}.${b[1]}.${b[2]}.0/24`;
  const words: string[] = [];
  for (let i = 0; i < 8; i += 2) words.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  return `${words.join(':')}::/64`;
}

interface NetworkState {
  open: number;
  /** When the latest start was (or is reserved to be), performance.now() ms. */
  nextStart: number;
  /** When the latest turn was actually given (a timer may fire late), performance.now() ms. */
  lastGranted: number;
  waiting: Array<() => void>;
}

export class NetworkGate {
  private readonly networks = new Map<string, NetworkState>();

  constructor(
    readonly perNetwork: number = SMTP_DEFAULT_PER_NETWORK,
    readonly gapMs: number = SMTP_DEFAULT_NETWORK_GAP_MS,
  ) {
    if (!Number.isInteger(perNetwork) || perNetwork < 1)
      throw new Error('perNetwork must be an integer >= 1');
    if (!(gapMs >= 0)) throw new Error('gapMs must be >= 0');
  }

  /**
   * Waits for a turn to connect to `address`'s network; resolves to the release function
   * (call it once the connection is closed), or to undefined when `signal` aborted first.
   */
  async acquire(address: string, signal?: AbortSignal): Promise<(() => void) | undefined> {
    const key = networkOf(address);
    let state = this.networks.get(key);
    if (!state) {
      if (this.networks.size >= MAX_NETWORKS) this.forgetOne();
      state = {
        open: 0,
        nextStart: Number.NEGATIVE_INFINITY,
        lastGranted: Number.NEGATIVE_INFINITY,
        waiting: [],
      };
      this.networks.set(key, state);
    }
    const s = state;
    while (s.open >= this.perNetwork) {
      if (signal?.aborted) return undefined;
      let stop = (): void => {};
      const woken = await new Promise<boolean>((resolve) => {
        const wake = (): void => resolve(true);
        s.waiting.push(wake);
        stop = onAbort(signal, () => {
          const at = s.waiting.indexOf(wake);
          if (at >= 0) s.waiting.splice(at, 1);
          resolve(false);
        });
      });
      stop();
      if (!woken) return undefined;
    }
    s.open++;
    // Reserve the start time now, so that connections waiting at once are spaced out.
    const now = performance.now();
    const start = Math.max(now, s.nextStart + this.gapMs);
    s.nextStart = start;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      s.open--;
      s.waiting.shift()?.();
    };
    // Wait for the reserved start and for `gapMs` after the turn last given: a busy event loop
    // fires timers late, so the turn before this one may have started after its reservation.
    // Another round only follows a turn given meanwhile (bounded by the connections waiting)
    // or a timer rounded to whole milliseconds.
    let at = Math.max(start, s.lastGranted + this.gapMs);
    while (at > performance.now()) {
      if (!(await this.sleepUntil(at, signal))) {
        release();
        return undefined;
      }
      at = s.lastGranted + this.gapMs;
    }
    s.lastGranted = performance.now();
    return release;
  }

  /** Sleeps until `at` (performance.now() ms); false when `signal` aborted first. */
  private async sleepUntil(at: number, signal: AbortSignal | undefined): Promise<boolean> {
    let stop = (): void => {};
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), Math.max(0, at - performance.now()));
      stop = onAbort(signal, () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    stop();
    return ok;
  }

  /** Networks with state kept now (for tests and bounds). */
  size(): number {
    return this.networks.size;
  }

  private forgetOne(): void {
    const now = performance.now();
    for (const [key, s] of this.networks)
      if (s.open === 0 && s.waiting.length === 0 && s.nextStart + this.gapMs <= now) {
        this.networks.delete(key);
        return;
      }
    const oldest = this.networks.keys().next();
    if (!oldest.done) this.networks.delete(oldest.value);
  }
}
