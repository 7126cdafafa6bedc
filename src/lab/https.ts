/**
 * Loopback HTTPS server for labs and tests: serves MTA-STS policies (and their faults) with
 * a certificate from src/lab/certs.ts. Routes are exact paths; a route may redirect, hang,
 * send an oversized body or any status and headers. A `handler` takes over entirely.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface HttpsLabRoute {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Never answer (the socket stays open until the lab stops). */
  hang?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type HttpsLabHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpsLabOptions {
  host?: string;
  port?: number;
  /** PEM certificate (chain) and key. */
  cert: string;
  key: string;
  routes?: Record<string, HttpsLabRoute>;
  handler?: HttpsLabHandler;
}

export interface HttpsLabHandle {
  host: string;
  port: number;
  server: Server;
  /** Requests served, in order: "GET /path Host". */
  log: string[];
  stop(): Promise<void>;
}

export async function startHttpsLab(options: HttpsLabOptions): Promise<HttpsLabHandle> {
  const host = options.host ?? '127.0.0.1';
  const log: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const handler: HttpsLabHandler =
    options.handler ??
    ((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const route = options.routes?.[path];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      if (route.hang) return;
      const answer = () => {
        const body = route.body ?? '';
        res.writeHead(route.status ?? 200, {
          'content-type': 'text/plain',
          ...(route.headers ?? {}),
        });
        res.end(body);
      };
      if (route.delayMs !== undefined) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, route.delayMs);
        timers.add(t);
      } else answer();
    });
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    log.push(`${req.method} ${req.url} ${req.headers.host ?? ''}`);
    handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Handshake failures (a client refusing our certificate) are expected in tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    server,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
