/**
 * overlayProbe(): a probe whose DNS answers from overlay zones first (resolver.ts) and asks the
 * given probe's DNS for the rest, so a live and a proposed audit through the same probe ask
 * each live question once (the probe's cache). SMTP and HTTPS are the given probe's, unchanged:
 * they connect to the hosts live DNS gives (a host only the overlay defines has no address).
 * The view owns nothing: whoever made the given probe closes it.
 */

import type { Probe } from '../probe/types.js';
import { type OverlayOptions, type OverlayServed, overlayResolver } from './resolver.js';
import type { OverlayZone } from './zone.js';

export type OverlayProbe = Probe & { served(): OverlayServed[] };

export function overlayProbe(
  probe: Probe,
  zones: readonly OverlayZone[],
  options: OverlayOptions = {},
): OverlayProbe {
  const { close: _close, ...rest } = probe;
  const dns = overlayResolver(probe.dns, zones, options);
  return { ...rest, dns, served: dns.served };
}
