/**
 * Where to send DNS questions: `--resolver host[:port]` specs and the system's
 * resolv.conf. Only IP addresses are accepted: resolving a resolver's name would need DNS.
 */

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { UsageError } from '../errors.js';
import type { ServerAddress } from './dns.js';

export const DNS_PORT = 53; // RFC 1035 4.2.1

function usageError(spec: string, why: string): UsageError {
  return new UsageError(
    `resolver "${spec}" ${why}; expected an IP address with an optional port, e.g. 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353`,
  );
}

function parsePort(spec: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw usageError(spec, `has a bad port "${text}"`);
  return port;
}

/** Parses `127.0.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`. Throws a UsageError otherwise. */
export function parseServerSpec(spec: string): ServerAddress {
  const s = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    const host = bracketed[1]!;
    if (!net.isIPv6(host)) throw usageError(spec, 'is not an IPv6 address in brackets');
    return { host, port: bracketed[2] === undefined ? DNS_PORT : parsePort(spec, bracketed[2]) };
  }
  if (net.isIP(s) !== 0) return { host: s, port: DNS_PORT }; // bare IPv6 takes no port
  const withPort = /^([^:]+):([^:]*)$/.exec(s);
  if (withPort && net.isIPv4(withPort[1]!))
    return { host: withPort[1]!, port: parsePort(spec, withPort[2]!) };
  throw usageError(spec, 'is not an IP address');
}

/**
 * `nameserver` lines of a resolv.conf (resolv.conf(5)): comments (`#`, `;`) ignored, an
 * IPv6 `%scope` stripped, entries that are not IP addresses skipped. A missing file gives [].
 */
export function readResolvConf(path = '/etc/resolv.conf'): ServerAddress[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const servers: ServerAddress[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const host = m[1]!.replace(/%.*$/, '');
    if (net.isIP(host) !== 0) servers.push({ host, port: DNS_PORT });
  }
  return servers;
}
