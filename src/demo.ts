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
import { startLab } from './lab/index.js';
import { packageRoot } from './paths.js';

/** Short waits so the timing-out demo identity costs about a second, not eight. */
const DEMO_DNS_TIMEOUT_MS = 400;

async function main(): Promise<void> {
  const root = packageRoot();
  const world = readFileSync(join(root, 'src/demo/world.yaml'), 'utf8');
  const lab = await startLab(world, { host: '127.0.0.1', port: 0 });
  const outDir = join(process.cwd(), 'out/demo');
  mkdirSync(outDir, { recursive: true });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const probe = createProbe({
    servers: [{ host: lab.host, port: lab.port }],
    timeoutMs: DEMO_DNS_TIMEOUT_MS,
    tries: 2,
  });
  const rows: string[] = [];
  try {
    process.stdout.write(
      `Demo world served by the loopback lab on ${lab.host}:${lab.port} (UDP and TCP)\n\n`,
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
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
