/**
 * Before/after comparison for refactors that must not change output: runs the demo world
 * (`src/demo.ts`) and a fleet run over the same identities, then writes every report in every
 * format with the fields that differ between two runs of the same code (timings, timestamps,
 * lab ports, the demo CA's fresh certificates) replaced by a placeholder.
 *
 *   npx tsx scripts/report-snapshot.ts OUT_DIR
 *   (change the code)
 *   npx tsx scripts/report-snapshot.ts OUT_DIR2 && diff -r OUT_DIR OUT_DIR2
 *
 * Two runs of the same commit give identical trees; a refactor that keeps behaviour does too.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderReportHtml } from '../reports/html.js';
import { renderJson } from '../reports/json.js';
import { renderJunit } from '../reports/junit.js';
import { renderText } from '../reports/text.js';
import { DEMO_IDENTITIES } from '../src/demo/identities.js';
import { startLab } from '../src/lab/index.js';
import type { Report } from '../src/report.js';

/** Keys whose values change from run to run of the same code. */
const VOLATILE_KEYS =
  /^(durationMs|measuredAt|checkedAt|startedAt|finishedAt|port|derBase64|fingerprintSha256|spkiSha256|notAfter|notBefore|serialNumber|serial|elapsedMs|generatedAt)$/;

function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = VOLATILE_KEYS.test(k) ? '<volatile>' : normalizeValue(v);
    return out;
  }
  return typeof value === 'string' ? normalizeText(value) : value;
}

/** Text output: ports, durations, timestamps and hex digests of fresh certificates. */
function normalizeText(s: string): string {
  return s
    .replace(
      new RegExp(
        `(\\\\?"(?:${VOLATILE_KEYS.source.slice(2, -2)})\\\\?":\\s*)(\\\\?"[^"\\\\]*\\\\?"|\\d+)`,
        'g',
      ),
      '$1<volatile>',
    )
    .replace(/(?<=[a-z0-9\]x]):\d{4,5}\b/g, ':<port>')
    .replace(/\b(time|timestamp)="[^"]*"/g, '$1="<volatile>"')
    .replace(/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d{2,5}/g, '$1:<port>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<dur>')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
    .replace(/\/tmp\/[A-Za-z0-9._-]+/g, '<tmp>');
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: report-snapshot.ts OUT_DIR');
  mkdirSync(out, { recursive: true });
  const root = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'pf-snapshot-'));
  const tsx = join(root, 'node_modules/.bin/tsx');
  const demoOut = execFileSync(tsx, [join(root, 'src/demo.ts')], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
  });
  writeFileSync(join(out, 'demo.stdout.txt'), normalizeText(demoOut.toString('utf8')));
  const demoDir = join(work, 'out/demo');
  const reports: Report[] = [];
  for (const f of readdirSync(demoDir).sort()) {
    if (!f.endsWith('.json')) continue;
    const report = normalizeValue(JSON.parse(readFileSync(join(demoDir, f), 'utf8'))) as Report;
    reports.push(report);
    const base = join(out, f.replace(/\.json$/, ''));
    writeFileSync(`${base}.json`, renderJson(report));
    writeFileSync(`${base}.txt`, renderText(report, { color: false }));
    writeFileSync(`${base}.html`, renderReportHtml(report));
  }
  writeFileSync(
    join(out, 'demo.junit.xml'),
    renderJunit(reports.map((report) => ({ key: report.target.domain, report }))),
  );
  await fleetSnapshot(root, work, out);
}

/** The fleet command over the demo identities (DNS only), through the CLI as a user runs it. */
async function fleetSnapshot(root: string, work: string, out: string): Promise<void> {
  const world = readFileSync(join(root, 'src/demo/world.yaml'), 'utf8');
  const lab = await startLab(world, { host: '127.0.0.1', port: 0 });
  try {
    const config = join(work, 'fleet.json');
    writeFileSync(config, JSON.stringify({ identities: DEMO_IDENTITIES.map((i) => i.input) }));
    const fleetDir = join(work, 'fleet');
    let stdout = '';
    try {
      const r = await promisify(execFile)(
        join(root, 'node_modules/.bin/tsx'),
        [
          join(root, 'src/cli.ts'),
          'fleet',
          '--config',
          config,
          '--out-dir',
          fleetDir,
          '--resolver',
          `${lab.host}:${lab.port}`,
          '--timeout',
          '400',
          '--no-smtp',
          '--format',
          'junit',
          '--format',
          'html',
        ],
        { cwd: work, env: { ...process.env, NO_COLOR: '1' } },
      );
      stdout = r.stdout;
    } catch (err) {
      stdout = String((err as { stdout?: string }).stdout ?? '');
    }
    writeFileSync(join(out, 'fleet.stdout.txt'), normalizeText(stdout.replaceAll(work, '<work>')));
    for (const f of readdirSync(fleetDir).sort()) {
      if (f === 'reports') continue;
      const text = readFileSync(join(fleetDir, f), 'utf8');
      const normalized = f.endsWith('.json')
        ? `${JSON.stringify(normalizeValue(JSON.parse(text)), null, 2)}\n`
        : f.endsWith('.ndjson')
          ? text
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => JSON.stringify(normalizeValue(JSON.parse(l))))
              .sort() // completion order varies
              .join('\n')
          : normalizeText(text);
      writeFileSync(join(out, `fleet.${f}`), normalized);
    }
    for (const f of readdirSync(join(fleetDir, 'reports')).sort()) {
      const report = normalizeValue(JSON.parse(readFileSync(join(fleetDir, 'reports', f), 'utf8')));
      writeFileSync(join(out, `fleet.report.${f}`), `${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    await lab.stop();
  }
}

await main();
