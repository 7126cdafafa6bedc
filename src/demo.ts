/**
 * `npm run demo`: starts the loopback DNS lab with the built-in demo world (src/demo/world.yaml),
 * audits each demo identity through it, then the sample messages (src/demo/messages.ts), prints
 * the text reports and writes the JSON reports and the messages to out/demo/. Nothing leaves
 * 127.0.0.1. `npm run demo -- --serve` keeps the lab up afterwards (until Ctrl-C), so the printed
 * `mail-preflight message` commands can be run against it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import nodemailer from 'nodemailer';
import { renderJson } from '../reports/json.js';
import { renderText } from '../reports/text.js';
import { exitCodeFor } from './cli.js';
import { DEMO_IDENTITIES } from './demo/identities.js';
import {
  type ComposeMail,
  DEMO_MESSAGE_DOMAIN,
  DEMO_MESSAGE_HELO,
  DEMO_MESSAGE_IPS,
  DEMO_MESSAGE_SELECTOR,
  DEMO_MESSAGES,
  demoKeyRecordYaml,
} from './demo/messages.js';
import { audit, auditMessage, createProbe, type Report } from './index.js';
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
/** The sample messages' signing key: 2048-bit RSA, as RFC 8301 3.2 recommends. */
const DEMO_KEY_BITS = 2048;
/** Width of the summary's first column (the longest identity or sample file name fits). */
const SUMMARY_NAME_WIDTH = 22;

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

/**
 * The sample messages' signer: a key made now (the demo world holds no private key), the DNS
 * record that publishes it, and a composer that signs as good.example with it.
 */
function demoSigner(): { compose: ComposeMail; keyRecordYaml: string } {
  const key = generateKeyPairSync('rsa', { modulusLength: DEMO_KEY_BITS });
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: {
      domainName: DEMO_MESSAGE_DOMAIN,
      keySelector: DEMO_MESSAGE_SELECTOR,
      privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  return {
    keyRecordYaml: demoKeyRecordYaml(
      key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    ),
    compose: async (mail) => (await transport.sendMail(mail)).message as Buffer,
  };
}

/** One line of the final summary. */
function summaryRow(name: string, report: Report): string {
  const findings = Object.values(report.checks).flatMap((c) => c.findings).length;
  return (
    `  ${name.padEnd(SUMMARY_NAME_WIDTH)} ${report.status.padEnd(8)} exit ${exitCodeFor(report, 'fail')}  ` +
    `${findings} findings, ${report.predictedReplies.length} predicted replies`
  );
}

async function main(): Promise<void> {
  const root = packageRoot();
  const signer = demoSigner();
  // The world's YAML is a map of names: the sample messages' key is one more entry at its end.
  const world = readFileSync(join(root, 'src/demo/world.yaml'), 'utf8') + signer.keyRecordYaml;
  const lab = await startLab(world, { host: '127.0.0.1', port: 0 });
  const outDir = join(process.cwd(), 'out/demo');
  mkdirSync(outDir, { recursive: true });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const ca = createTestCa({ commonName: 'mail-preflight demo CA' });
  const leaf = issueCert(ca, { names: DEMO_CERT_NAMES });
  const caFile = join(outDir, 'demo-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const smtp = await startDemoSmtp(leaf.certPem, leaf.keyPem);
  const resolver = `${lab.host}:${lab.port}`;
  const probe = createProbe({
    resolvers: [resolver],
    timeoutMs: DEMO_DNS_TIMEOUT_MS,
    tries: 2,
    smtpPort: smtp.port,
    caFile,
    // The demo never connects anywhere but its own loopback servers.
    smtpAllow: isLoopback,
  });
  const rows: string[] = [];
  const show = (title: string, report: Report, jsonFile: string) => {
    writeFileSync(jsonFile, renderJson(report));
    process.stdout.write(`=== ${title}\n`);
    process.stdout.write(renderText(report, { color }));
    process.stdout.write(`JSON report: ${jsonFile}\n`);
  };
  const serve = process.argv.includes('--serve');
  try {
    process.stdout.write(
      `Demo world served by the loopback lab: DNS on ${resolver} (UDP and TCP), ` +
        `SMTP on 127.0.77.x:${smtp.port} (certificates from ${caFile})\n\n`,
    );
    for (const identity of DEMO_IDENTITIES) {
      const report = await audit(identity.input, { probe });
      show(
        `${identity.input.domain}: ${identity.shows}`,
        report,
        join(outDir, `${report.target.domain}.json`),
      );
      process.stdout.write('\n');
      rows.push(summaryRow(report.target.domain, report));
    }
    process.stdout.write(
      `Sample messages, sent as ${DEMO_MESSAGE_DOMAIN} from ${DEMO_MESSAGE_IPS.join(', ')} ` +
        `(HELO ${DEMO_MESSAGE_HELO}), signed with a key made for this run and served at ` +
        `${DEMO_MESSAGE_SELECTOR}._domainkey.${DEMO_MESSAGE_DOMAIN}:\n\n`,
    );
    for (const sample of DEMO_MESSAGES) {
      const bytes = await sample.build(signer.compose);
      const eml = join(outDir, sample.file);
      writeFileSync(eml, bytes);
      const report = await auditMessage(bytes, {
        probe,
        fileName: sample.file,
        ips: [...DEMO_MESSAGE_IPS],
        helo: DEMO_MESSAGE_HELO,
      });
      show(`${sample.file}: ${sample.shows}`, report, `${eml}.json`);
      process.stdout.write(
        `The same from the command line (SMTP probes left out): npx mail-preflight message ` +
          `${relative(process.cwd(), eml)} --resolver ${resolver} ` +
          `${DEMO_MESSAGE_IPS.map((ip) => `--ip ${ip}`).join(' ')} --helo ${DEMO_MESSAGE_HELO} --no-smtp\n\n`,
      );
      rows.push(summaryRow(sample.file, report));
    }
    const c = probe.counters();
    process.stdout.write(
      `Summary (exit code as \`mail-preflight audit\` or \`message\` would give with --fail-on fail):\n`,
    );
    process.stdout.write(`${rows.join('\n')}\n`);
    process.stdout.write(
      `DNS for the whole demo: ${c.queriesSent} packets sent, ${c.cacheHits} cache hits, ${c.timeouts} timeouts\n`,
    );
    if (serve) {
      process.stdout.write(
        `Serving the demo world on ${resolver} (DNS) until Ctrl-C: the mail-preflight message commands above work meanwhile.\n`,
      );
      await new Promise((resolve) => process.once('SIGINT', resolve));
    } else {
      process.stdout.write(
        'The lab stops with the demo: `npm run demo -- --serve` keeps it up for the commands above; ' +
          '`mail-preflight message FILE --no-dns` needs no lab.\n',
      );
    }
  } finally {
    probe.close();
    await Promise.all([lab.stop(), ...smtp.servers.map((s) => s.stop())]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
