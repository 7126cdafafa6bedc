/**
 * HTTPS GET for policy files (MTA-STS, RFC 8461 3.3). Uses node:https rather than the global
 * fetch because the checks need the TLS details, must not follow redirects and must cap the
 * body while it streams. Certificate validation is always on (system CAs, or the `ca` given
 * for labs) and the host name is checked against the certificate (SNI = the URL's host).
 */
import { request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import { type CertSummary, summarizeCertificate } from './certificate.js';
import type { DnsErrorKind, Resolver } from './types.js';

/** Whole-request bound (connect + handshake + headers + body). */
export const HTTPS_DEFAULT_TIMEOUT_MS = 10_000;
/** Body cap: an MTA-STS policy is at most 64 KiB. RFC 8461 3.3 (senders may limit the size). */
export const HTTPS_DEFAULT_MAX_BYTES = 65_536;
export const HTTPS_DEFAULT_PORT = 443;
/** Response header block bound (node's default is 16 KiB; policies need far less). */
export const HTTPS_MAX_HEADER_BYTES = 16_384;

export type HttpsErrorKind =
  | 'dns'
  | 'connect'
  | 'timeout'
  | 'tls'
  | 'cert-invalid'
  | 'too-large'
  | 'redirect'
  | 'http-status'
  | 'protocol';

/** The policy host's certificate, described as the SMTP probe describes its chain (certificate.ts). */
export type HttpsCertSummary = CertSummary;

export interface HttpsFetchResult {
  url: string;
  /** true only for a 200 answer whose body was read completely within the cap. */
  ok: boolean;
  status?: number;
  headers: { contentType?: string; location?: string; contentLength?: number };
  body?: string;
  /** Set when ok is false. */
  error?: {
    kind: HttpsErrorKind;
    detail: string;
    /** TLS/OpenSSL error code, e.g. 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'. */
    code?: string;
    /** For kind 'dns': how the address lookup ended (nxdomain/nodata are answers, the rest are not). */
    dns?: 'nxdomain' | 'nodata' | DnsErrorKind;
  };
  /** The address connected to. */
  address?: string;
  tls?: { protocol: string; authorized: boolean; authorizationError?: string; cert?: HttpsCertSummary };
  durationMs: number;
}

export interface HttpsFetchOptions {
  signal?: AbortSignal;
}

export interface HttpsFetcher {
  /** GET `url` (https only). Results are cached per URL for the life of the fetcher (one run). */
  fetch(url: string, options?: HttpsFetchOptions): Promise<HttpsFetchResult>;
}

/** Outcome of an address lookup: an address, or why there is none. */
export type AddressLookupResult = { address: string } | { error: NonNullable<HttpsFetchResult['error']> };

export interface HttpsFetcherOptions {
  /** Trusted CA certificates (PEM) instead of the system store: labs and `--ca-file`. */
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Host name -> address. Overrides `resolver`; `undefined` means "no address". Without
   * either, the operating system's resolver is used.
   */
  resolveAddress?: (host: string, signal?: AbortSignal) => Promise<string | undefined>;
  /** Resolve host names through this resolver (A, then AAAA): labs point names at 127.0.0.x. */
  resolver?: Resolver;
  /** Port used when the URL names none (default 443); labs serve on another port. */
  port?: number;
}

export function createHttpsFetcher(options: HttpsFetcherOptions = {}): HttpsFetcher {
  const cache = new Map<string, Promise<HttpsFetchResult>>();
  const lookup = addressLookup(options);
  return {
    fetch(url, fetchOptions = {}) {
      const hit = cache.get(url);
      if (hit) return hit;
      const p = fetchOnce(url, options, lookup, fetchOptions.signal);
      cache.set(url, p);
      // A fetch cut short by the caller's signal is not a measurement: let the next caller retry.
      void p.then((r) => {
        if (r.error?.detail === ABORTED_DETAIL) cache.delete(url);
      });
      return p;
    },
  };
}

const ABORTED_DETAIL = 'aborted by the caller';

function addressLookup(
  options: HttpsFetcherOptions,
): ((host: string, signal?: AbortSignal) => Promise<AddressLookupResult>) | undefined {
  const custom = options.resolveAddress;
  if (custom) {
    return async (host, signal) => {
      const address = await custom(host, signal);
      return address !== undefined
        ? { address }
        : { error: { kind: 'dns', detail: `no address for ${host}`, dns: 'nodata' } };
    };
  }
  const resolver = options.resolver;
  if (resolver) return (host, signal) => resolveThrough(resolver, host, signal);
  return undefined;
}

/** A, then AAAA when there is no A, through a probe resolver. */
export async function resolveThrough(
  resolver: Resolver,
  host: string,
  signal?: AbortSignal,
): Promise<AddressLookupResult> {
  const outcomes: string[] = [];
  let worst: 'nxdomain' | 'nodata' | DnsErrorKind = 'nodata';
  for (const type of ['A', 'AAAA'] as const) {
    const r = await resolver.query(host, type, signal ? { signal } : {});
    if (r.kind === 'ok') {
      for (const rec of r.records) if (rec.type === type) return { address: rec.data };
      outcomes.push(`${type}: no records`);
      continue;
    }
    if (r.kind === 'nxdomain') {
      return { error: { kind: 'dns', detail: `${host} does not exist (NXDOMAIN)`, dns: 'nxdomain' } };
    }
    if (r.kind === 'error') {
      worst = r.error;
      outcomes.push(`${type}: ${r.error}`);
    } else outcomes.push(`${type}: no records`);
  }
  return { error: { kind: 'dns', detail: `no address for ${host} (${outcomes.join(', ')})`, dns: worst } };
}

function fetchOnce(
  url: string,
  options: HttpsFetcherOptions,
  lookup: ((host: string, signal?: AbortSignal) => Promise<AddressLookupResult>) | undefined,
  outerSignal: AbortSignal | undefined,
): Promise<HttpsFetchResult> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? HTTPS_DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? HTTPS_DEFAULT_MAX_BYTES;
  const done = (r: Omit<HttpsFetchResult, 'durationMs' | 'url'>): HttpsFetchResult => ({
    url,
    ...r,
    durationMs: Math.round(performance.now() - t0),
  });

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(done({ ok: false, headers: {}, error: { kind: 'protocol', detail: 'bad URL' } }));
  }
  if (parsed.protocol !== 'https:') {
    return Promise.resolve(
      done({ ok: false, headers: {}, error: { kind: 'protocol', detail: 'only https: URLs are fetched' } }),
    );
  }
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port !== '' ? Number(parsed.port) : (options.port ?? HTTPS_DEFAULT_PORT);

  return new Promise<HttpsFetchResult>((resolve) => {
    const timeoutCtl = new AbortController();
    const timer = setTimeout(() => timeoutCtl.abort(), timeoutMs);
    timer.unref?.();
    let settled = false;
    let cleanup: () => void = () => {};
    const finish = (r: Omit<HttpsFetchResult, 'durationMs' | 'url'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      timeoutCtl.signal.removeEventListener('abort', onTimeout);
      outerSignal?.removeEventListener('abort', onOuterAbort);
      cleanup();
      resolve(done(r));
    };
    const onTimeout = () =>
      finish({
        ok: false,
        headers: {},
        error: { kind: 'timeout', detail: `no complete answer within ${timeoutMs} ms` },
        ...partial,
      });
    const onOuterAbort = () =>
      finish({ ok: false, headers: {}, error: { kind: 'timeout', detail: ABORTED_DETAIL }, ...partial });
    // What is known so far, kept for a result cut short by the timeout.
    const partial: Partial<Pick<HttpsFetchResult, 'address' | 'tls' | 'status'>> = {};
    timeoutCtl.signal.addEventListener('abort', onTimeout);
    if (outerSignal?.aborted) {
      onOuterAbort();
      return;
    }
    outerSignal?.addEventListener('abort', onOuterAbort);

    const lookupSignal = outerSignal ? AbortSignal.any([outerSignal, timeoutCtl.signal]) : timeoutCtl.signal;
    const addressP: Promise<AddressLookupResult | undefined> =
      isIP(hostname) !== 0 || !lookup ? Promise.resolve(undefined) : lookup(hostname, lookupSignal);
    addressP.then(
      (looked) => {
        if (settled) return;
        if (looked && 'error' in looked) {
          finish({ ok: false, headers: {}, error: looked.error });
          return;
        }
        const address = looked?.address;
        if (address !== undefined) partial.address = address;
        startRequest(address);
      },
      (err: unknown) => {
        finish({ ok: false, headers: {}, error: { kind: 'dns', detail: errorText(err) } });
      },
    );

    function startRequest(address: string | undefined) {
      let tcpConnected = false;
      let captured: HttpsCertSummary | undefined;
      const req = request({
        host: address ?? hostname,
        port,
        path: `${parsed.pathname}${parsed.search}`,
        method: 'GET',
        servername: isIP(hostname) === 0 ? hostname : undefined,
        headers: {
          Host:
            parsed.port !== '' || port !== HTTPS_DEFAULT_PORT
              ? `${parsed.hostname}:${port}`
              : parsed.hostname,
          'User-Agent': 'mail-preflight',
          Accept: 'text/plain, */*;q=0.1',
          Connection: 'close',
        },
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        rejectUnauthorized: true,
        // A fresh connection per fetch: no pooled socket, no resumed session (a resumed
        // session skips the host name check).
        agent: false,
        maxHeaderSize: HTTPS_MAX_HEADER_BYTES,
        checkServerIdentity: (_connectedAs, cert) => {
          try {
            captured = summarizeCertificate(cert.raw);
          } catch {
            // Unparsable DER: the handshake's own verdict still stands, without a description.
          }
          // Against the URL's host, not the address connected to.
          return checkServerIdentity(hostname, cert);
        },
      });
      cleanup = () => {
        req.destroy();
      };
      req.on('socket', (socket) => {
        socket.once('connect', () => {
          tcpConnected = true;
        });
        socket.once('secureConnect', () => {
          const tls = socket as TLSSocket;
          partial.tls = {
            protocol: tls.getProtocol() ?? 'unknown',
            authorized: tls.authorized,
            ...(tls.authorizationError ? { authorizationError: String(tls.authorizationError) } : {}),
            ...(captured ? { cert: captured } : {}),
          };
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const error = classify(err, tcpConnected, partial.tls !== undefined);
        // A certificate refused by the host name check was still seen: keep it as evidence.
        if (!partial.tls && captured) {
          partial.tls = {
            protocol: 'unknown',
            authorized: false,
            authorizationError: error.code ?? error.detail,
            cert: captured,
          };
        }
        finish({ ok: false, headers: {}, ...partial, error });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        partial.status = status;
        const headers: HttpsFetchResult['headers'] = {};
        const ct = res.headers['content-type'];
        if (ct !== undefined) headers.contentType = ct;
        const loc = res.headers.location;
        if (loc !== undefined) headers.location = loc;
        const cl = res.headers['content-length'];
        if (cl !== undefined && /^\d+$/.test(cl)) headers.contentLength = Number(cl);
        const base = { ...partial, status, headers };
        if (status >= 300 && status < 400) {
          // RFC 8461 3.3: redirects MUST NOT be followed.
          finish({
            ...base,
            ok: false,
            error: { kind: 'redirect', detail: `HTTP ${status} to ${loc ?? '(no Location)'}` },
          });
          return;
        }
        if (status !== 200) {
          finish({ ...base, ok: false, error: { kind: 'http-status', detail: `HTTP ${status}` } });
          return;
        }
        if (headers.contentLength !== undefined && headers.contentLength > maxBytes) {
          finish({
            ...base,
            ok: false,
            error: {
              kind: 'too-large',
              detail: `Content-Length ${headers.contentLength} exceeds ${maxBytes} bytes`,
            },
          });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            finish({
              ...base,
              ok: false,
              error: { kind: 'too-large', detail: `body exceeds ${maxBytes} bytes` },
            });
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          finish({ ...base, ok: true, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err: NodeJS.ErrnoException) => {
          finish({ ...base, ok: false, error: classify(err, true, true) });
        });
        res.on('aborted', () => {
          finish({ ...base, ok: false, error: { kind: 'protocol', detail: 'connection closed mid-body' } });
        });
      });
      req.end();
    }
  });
}

/** TLS errors that mean "the certificate is not valid" (as opposed to a failed handshake). */
const CERT_ERROR_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
]);

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

function classify(
  err: NodeJS.ErrnoException,
  tcpConnected: boolean,
  tlsDone: boolean,
): NonNullable<HttpsFetchResult['error']> {
  const code = err.code ?? '';
  const detail = errorText(err);
  const withCode = code !== '' ? { code } : {};
  if (CERT_ERROR_CODES.has(code)) return { kind: 'cert-invalid', detail, ...withCode };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', detail, ...withCode };
  if (!tcpConnected && CONNECT_ERROR_CODES.has(code)) return { kind: 'connect', detail, ...withCode };
  if (code.startsWith('HPE_') || code === 'ERR_INVALID_HTTP_RESPONSE') {
    return { kind: 'protocol', detail, ...withCode };
  }
  if (!tlsDone) return { kind: 'tls', detail, ...withCode };
  return { kind: 'protocol', detail, ...withCode };
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
