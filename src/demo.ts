/**
 * `npm run demo`: starts the loopback DNS lab with the built-in demo world (src/demo/world.yaml),
 * audits each demo identity through it, prints the text reports and writes the JSON reports
 * to out/demo/. Nothing leaves 127.0.0.1.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJson } from '../reports/json.js';
import { renderText } from '../reports/text.js';
import { exitCodeFor } from './cli.js';
import { DEMO_IDENTITIES } from './demo/identities.js';
import { audit, createProbe } from './index.js';
import { createTestCa, issueCert } from './lab/certs.js';
import { startLab } from './lab/index.js';
import { type SmtpLabHandle, startSmtpLab } from './lab/smtp.js';
import { packageRoot } from './paths.js';

/** Short waits so the timing-out demo identity costs about a second, not eight. */
const DEMO_DNS_TIMEOUT_MS = 400;

/** The demo's SMTP hosts (see world.yaml): STARTTLS with a certificate from the demo CA, or none. */
const DEMO_SMTP_HOSTS: readonly { address: string; starttls: boolean }[] = [
  { address: '127.0.77.2', starttls: true }, // mx1.good.example
  { address: '127.0.77.3', starttls: false }, // mx.plusall.example
  { address: '127.0.77.4', starttls: true }, // MX of broken, heavy, slow
  { address: '127.0.77.7', starttls: false }, // plusall's sending host
  { address: '127.0.77.10', starttls: true }, // mail.good.example, good's sending host
  { address: '127.0.77.20', starttls: true }, // broken's sending host
  { address: '127.0.77.41', starttls: true }, // heavy's sending host
];
const DEMO_CERT_NAMES = [
  'mx1.good.example',
  'mail.good.example',
  'mx.broken.example',
  'mx.heavy.example',
  'mx.slow.example',
  'out.heavy.example',
  '127-0-77-20.dyn.isp.example',
];
const BIND_ATTEMPTS = 5;

/** Starts every demo SMTP host on one port number (the probe's --smtp-port is one number). */
async function startDemoSmtp(cert: string, key: string): Promise<{ port: number; servers: SmtpLabHandle[] }> {
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const servers: SmtpLabHandle[] = [];
    try {
      let port = 0;
      for (const h of DEMO_SMTP_HOSTS) {
        const s = await startSmtpLab({
          host: h.address,
          port,
          starttls: h.starttls,
          cert,
          key,
          name: 'demo.example',
        });
        servers.push(s);
        port = s.port;
      }
      return { port, servers };
    } catch {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }
  throw new Error('could not bind the demo SMTP servers on 127.0.77.x');
}

const isLoopback = (address: string) => address.startsWith('127.') || address === '::1';

async function main(): Promise<void> {
  const root = packageRoot();
  const world = readFileSync(join(root, 'src/demo/world.yaml'), 'utf8');
  const lab = await startLab(world, { host: '127.0.0.1', port: 0 });
  const outDir = join(process.cwd(), 'out/demo');
  mkdirSync(outDir, { recursive: true });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const ca = createTestCa({ commonName: 'mail-preflight demo CA' });
  const leaf = issueCert(ca, { names: DEMO_CERT_NAMES });
  const caFile = join(outDir, 'demo-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const smtp = await startDemoSmtp(leaf.certPem, leaf.keyPem);
  const probe = createProbe({
    resolvers: [`${lab.host}:${lab.port}`],
    timeoutMs: DEMO_DNS_TIMEOUT_MS,
    tries: 2,
    smtpPort: smtp.port,
    caFile,
    // The demo never connects anywhere but its own loopback servers.
    smtpAllow: isLoopback,
  });
  const rows: string[] = [];
  try {
    process.stdout.write(
      `Demo world served by the loopback lab: DNS on ${lab.host}:${lab.port} (UDP and TCP), ` +
        `SMTP on 127.0.77.x:${smtp.port} (certificates from ${caFile})\n\n`,
    );
    for (const identity of DEMO_IDENTITIES) {
      const report = await audit(identity.input, { probe });
      const file = join(outDir, `${report.target.domain}.json`);
      writeFileSync(file, renderJson(report));
      process.stdout.write(`=== ${identity.input.domain}: ${identity.shows}\n`);
      process.stdout.write(renderText(report, { color }));
      process.stdout.write(`JSON report: ${file}\n\n`);
      const findings = Object.values(report.checks).flatMap((c) => c.findings).length;
      rows.push(
        `  ${report.target.domain.padEnd(22)} ${report.status.padEnd(8)} exit ${exitCodeFor(report, 'fail')}  ` +
          `${findings} findings, ${report.predictedReplies.length} predicted replies`,
      );
    }
    const c = probe.counters();
    process.stdout.write(`Summary (exit code as \`mail-preflight audit\` would give with --fail-on fail):\n`);
    process.stdout.write(`${rows.join('\n')}\n`);
    process.stdout.write(
      `DNS for the whole demo: ${c.queriesSent} packets sent, ${c.cacheHits} cache hits, ${c.timeouts} timeouts\n`,
    );
  } finally {
    probe.close();
    await Promise.all([lab.stop(), ...smtp.servers.map((s) => s.stop())]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
