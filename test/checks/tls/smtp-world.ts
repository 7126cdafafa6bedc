/**
 * A small SMTP world for the tls and mx-tls collect tests: loopback SMTP servers (src/lab/smtp.ts)
 * on several 127.0.0.x addresses sharing one port (the prober uses one port for every host),
 * certificates from a test CA (src/lab/certs.ts), and a CA file for --ca-file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestCa,
  issueCert,
  selfSignedCert,
  type TestCa,
  type TestCert,
} from '../../../src/lab/certs.js';
import {
  type SmtpFault,
  type SmtpLabHandle,
  startSmtpFaultServer,
  startSmtpLab,
} from '../../../src/lab/smtp.js';

const DAY_MS = 86_400_000;

export type HostKind =
  | { kind: 'good'; names: string[] }
  | { kind: 'plain' }
  | { kind: 'self-signed'; names: string[] }
  | { kind: 'expired'; names: string[] }
  | { kind: 'expiring'; names: string[]; days: number }
  | { kind: 'fault'; fault: SmtpFault }
  | { kind: 'closed' };

export interface SmtpWorld {
  ca: TestCa;
  caFile: string;
  port: number;
  servers: SmtpLabHandle[];
  stop(): Promise<void>;
}

function certFor(ca: TestCa, h: HostKind): TestCert | undefined {
  const now = Date.now();
  switch (h.kind) {
    case 'good':
      return issueCert(ca, { names: h.names });
    case 'self-signed':
      return selfSignedCert({ names: h.names });
    case 'expired':
      return issueCert(ca, {
        names: h.names,
        notBefore: new Date(now - 90 * DAY_MS),
        notAfter: new Date(now - 2 * DAY_MS),
      });
    case 'expiring':
      return issueCert(ca, {
        names: h.names,
        notBefore: new Date(now - 80 * DAY_MS),
        notAfter: new Date(now + h.days * DAY_MS),
      });
    default:
      return undefined;
  }
}

async function startOne(
  ca: TestCa,
  host: string,
  port: number,
  h: HostKind,
): Promise<SmtpLabHandle | undefined> {
  if (h.kind === 'closed') return undefined;
  if (h.kind === 'fault') return startSmtpFaultServer(h.fault, { host, port });
  if (h.kind === 'plain') return startSmtpLab({ host, port, starttls: false, name: host });
  const cert = certFor(ca, h)!;
  return startSmtpLab({ host, port, cert: cert.certPem, key: cert.keyPem, name: h.names[0] ?? host });
}

/**
 * Starts one server per address (address -> kind), all on one port: the first server picks a
 * free port, the others bind the same port on their own address (retried on a collision).
 */
export async function startSmtpWorld(hosts: Record<string, HostKind>): Promise<SmtpWorld> {
  const ca = createTestCa();
  const dir = mkdtempSync(join(tmpdir(), 'mp-tls-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  const entries = Object.entries(hosts);
  for (let attempt = 0; attempt < 5; attempt++) {
    const servers: SmtpLabHandle[] = [];
    try {
      let port = 0;
      // A listener first, so that the port is known (a 'closed' host needs nothing).
      const first = entries.findIndex(([, h]) => h.kind !== 'closed');
      const order = first >= 0 ? [entries[first]!, ...entries.filter((_, i) => i !== first)] : entries;
      for (const [address, h] of order) {
        const s = await startOne(ca, address, port, h);
        if (s) {
          servers.push(s);
          port = s.port;
        }
      }
      return {
        ca,
        caFile,
        port,
        servers,
        stop: async () => {
          await Promise.all(servers.map((s) => s.stop()));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await Promise.all(servers.map((s) => s.stop()));
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 4) throw err;
    }
  }
  throw new Error('unreachable');
}
