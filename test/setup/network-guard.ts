/**
 * Tests talk only to servers they start on loopback. This guard (loaded for every test file by
 * vitest.config.ts) makes any other destination fail loudly instead of sending a packet:
 * TCP connects (SMTP, HTTPS, DNS over TCP) and UDP sends (DNS) to a non-loopback address throw.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach } from 'vitest';

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return true; // node defaults to localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(h)) return true;
  if (/^::ffff:127\.\d+\.\d+\.\d+$/.test(h)) return true;
  return false;
}

/** Attempts seen during the current test: code under test may swallow the error, the test may not. */
export const violations: string[] = [];

function refuse(what: string, host: string | undefined): never {
  const message = `network guard: test tried to reach ${what} ${String(host)}; tests may only use loopback`;
  violations.push(message);
  throw new Error(message);
}

afterEach(() => {
  const seen = violations.splice(0);
  if (seen.length > 0) throw new Error(`${seen.length} non-loopback connection attempt(s): ${seen[0]}`);
});

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  // net.connect() passes its normalised arguments as one array: [options, callback].
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  let host: string | undefined;
  let path: string | undefined;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; path?: string };
    host = o.host;
    path = o.path;
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    host = typeof args[1] === 'string' ? (args[1] as string) : undefined;
  } else if (typeof first === 'string') {
    path = first; // unix socket
  }
  if (path === undefined && !isLoopback(host)) refuse('TCP', host);
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
  // send(msg, [offset, length,] port, address, [callback])
  const strings = args.filter((a) => typeof a === 'string') as string[];
  const address = strings[0];
  if (address !== undefined && !isLoopback(address)) refuse('UDP', address);
  return (send as (...a: unknown[]) => void).apply(this, args);
} as typeof dgram.Socket.prototype.send;
