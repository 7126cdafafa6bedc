/**
 * The --smtp scenario's mail servers: one real SMTP server (src/lab/smtp.ts, STARTTLS) per
 * address of the world's MX hosts (bench/world.ts worldSmtpServers), all on one port, each
 * with a certificate from one lab CA naming every host served there. The probe trusts that CA
 * (ProbeOptions.caFile): certificates are verified as in a real run.
 *
 * The servers record, from their side, what the probe's politeness promises (issue 12): how
 * many connections each server got, the most connections open at once to one /24, and the
 * least time between two connection starts to one /24. SmtpSessionLog is that bookkeeping,
 * apart from the sockets so it is tested on its own.
 */
import { createTestCa, issueCert } from '../src/lab/certs.js';
import { type SmtpLabHandle, startSmtpLab } from '../src/lab/smtp.js';
import { networkOf } from '../src/probe/smtp-politeness.js';
import type { WorldSmtpServer } from './world.js';

/** Attempts at finding one port free on every address (another process may take it meanwhile). */
const PORT_ATTEMPTS = 5;

/** What the servers saw, per server and per /24 (plain JSON: it crosses the IPC channel). */
export interface SmtpLabFigures {
  servers: number;
  /** Connections accepted, all servers (all /24s). */
  connections: number;
  /** Host names served (the distinct MX hosts the world has). */
  names: number;
  /** Connections of each shared server (the hosted pair), by address. */
  sharedConnections: Record<string, number>;
  /** Most connections one own server got, and the most names one own server serves. */
  maxOwnServerConnections: number;
  maxOwnServerNames: number;
  /** Servers that got more connections than they serve names (a host probed twice), or fewer. */
  serversOverNames: number;
  serversUnderNames: number;
  /** Most connections open at once to one /24, over all /24s. */
  maxOpenPerNetwork: number;
  /** Least time between two connection starts to one /24 (ms); null with under two connections. */
  minGapMs: number | null;
  /** Per /24: connections, most open at once, least gap between starts (ms). */
  networks: Record<string, { connections: number; maxOpen: number; minGapMs: number | null }>;
}

interface NetworkLog {
  connections: number;
  open: number;
  maxOpen: number;
  lastStart: number;
  minGap: number;
}

/** Session bookkeeping of the lab's servers: opens and closes per server address. */
export class SmtpSessionLog {
  private readonly perServer = new Map<string, number>();
  private networks = new Map<string, NetworkLog>();

  constructor(private readonly servers: readonly WorldSmtpServer[]) {
    for (const s of servers) this.perServer.set(s.address, 0);
  }

  open(address: string, now: number): void {
    this.perServer.set(address, (this.perServer.get(address) ?? 0) + 1);
    const key = networkOf(address);
    let n = this.networks.get(key);
    if (!n) {
      n = { connections: 0, open: 0, maxOpen: 0, lastStart: Number.NEGATIVE_INFINITY, minGap: Infinity };
      this.networks.set(key, n);
    }
    n.connections++;
    n.open++;
    n.maxOpen = Math.max(n.maxOpen, n.open);
    n.minGap = Math.min(n.minGap, now - n.lastStart);
    n.lastStart = now;
  }

  close(address: string): void {
    const n = this.networks.get(networkOf(address));
    if (n && n.open > 0) n.open--;
  }

  /** Counters start afresh (a new measured phase); open sessions stay counted as open. */
  reset(): void {
    for (const k of this.perServer.keys()) this.perServer.set(k, 0);
    for (const n of this.networks.values()) {
      n.connections = 0;
      n.maxOpen = n.open;
      n.lastStart = Number.NEGATIVE_INFINITY;
      n.minGap = Infinity;
    }
  }

  figures(): SmtpLabFigures {
    const gap = (g: number) => (Number.isFinite(g) ? Math.round(g * 10) / 10 : null);
    const f: SmtpLabFigures = {
      servers: this.servers.length,
      connections: 0,
      names: 0,
      sharedConnections: {},
      maxOwnServerConnections: 0,
      maxOwnServerNames: 0,
      serversOverNames: 0,
      serversUnderNames: 0,
      maxOpenPerNetwork: 0,
      minGapMs: null,
      networks: {},
    };
    for (const s of this.servers) {
      const c = this.perServer.get(s.address) ?? 0;
      f.names += s.names.length;
      if (s.kind === 'shared') f.sharedConnections[s.address] = c;
      else {
        f.maxOwnServerConnections = Math.max(f.maxOwnServerConnections, c);
        f.maxOwnServerNames = Math.max(f.maxOwnServerNames, s.names.length);
      }
      if (c > s.names.length) f.serversOverNames++;
      if (c < s.names.length) f.serversUnderNames++;
    }
    let minGap = Infinity;
    for (const [key, n] of [...this.networks].sort(([a], [b]) => a.localeCompare(b))) {
      f.networks[key] = { connections: n.connections, maxOpen: n.maxOpen, minGapMs: gap(n.minGap) };
      f.connections += n.connections;
      f.maxOpenPerNetwork = Math.max(f.maxOpenPerNetwork, n.maxOpen);
      minGap = Math.min(minGap, n.minGap);
    }
    f.minGapMs = gap(minGap);
    return f;
  }
}

export interface RunningSmtpLab {
  port: number;
  /** PEM of the CA every server's certificate chains to (the probe's caFile). */
  caPem: string;
  log: SmtpSessionLog;
  stop(): Promise<void>;
}

function isAddressInUse(err: unknown): boolean {
  return (err as { code?: string }).code === 'EADDRINUSE';
}

/**
 * Starts one SMTP server per world server on one port: the first on a free port (0), the
 * others on that port at their own addresses; tries again with a new port when one is taken.
 */
export async function startWorldSmtpLab(servers: readonly WorldSmtpServer[]): Promise<RunningSmtpLab> {
  const ca = createTestCa({ commonName: 'mail-preflight bench CA' });
  const certs = servers.map((s) => issueCert(ca, { names: s.names }));
  const log = new SmtpSessionLog(servers);
  for (let attempt = 1; ; attempt++) {
    const handles: SmtpLabHandle[] = [];
    try {
      let port = 0;
      for (const [i, s] of servers.entries()) {
        const cert = certs[i]!;
        const h = await startSmtpLab({
          host: s.address,
          port,
          cert: cert.certPem,
          key: cert.keyPem,
          name: s.names[0] ?? s.address,
          onSession: (event) => {
            if (event === 'open') log.open(s.address, performance.now());
            else log.close(s.address);
          },
        });
        handles.push(h);
        port = h.port;
      }
      return {
        port,
        caPem: ca.certPem,
        log,
        stop: async () => {
          await Promise.all(handles.map((h) => h.stop()));
        },
      };
    } catch (err) {
      await Promise.all(handles.map((h) => h.stop()));
      if (!isAddressInUse(err) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}
