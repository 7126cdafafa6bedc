/**
 * Evidence that several checks of one audit need (the MX host set, the SMTP probe of one MX
 * host) is gathered once: the first check to ask starts it, the others await the same promise.
 * The runner gives each audit its own map (CollectContext.shared); without one, nothing is shared.
 */
import type { CollectContext } from '../../src/check.js';

export function sharedWithinAudit<T>(ctx: CollectContext, key: string, gather: () => Promise<T>): Promise<T> {
  const shared = ctx.shared;
  if (!shared) return gather();
  const known = shared.get(key) as Promise<T> | undefined;
  if (known) return known;
  const started = gather();
  shared.set(key, started);
  return started;
}
