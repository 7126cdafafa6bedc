/**
 * Message memory benchmark (issue 10): `npm run bench:message -- [--size-mb 40]
 * [--attachment-bytes 30000000] [--cases pdf-crlf,zip-lf,...] [--modes offline,lab] [--cli]
 * [--keep DIR] [--json] [--heap-snapshot DIR] [--node-flags="..."]`
 *
 * Generates realistic campaign messages streamed to temporary files (bench/message-gen.ts): a
 * PDF-like attachment, a zip of many files, a DKIM-signed one, each with CRLF and with LF line
 * ends. Each is audited in its own child process (bench/message-worker.ts) so that the peak
 * RSS (VmHWM) is the audit's alone: `auditMessage(createReadStream(file), { dns: false })`, and
 * against a loopback lab DNS server (in this process) serving the From domain, its SPF, DMARC,
 * MX, PTR and DKIM key (`{ resolvers: [lab], noSmtp: true }`). The target: peak RSS under
 * 3 x the message size + 150 MB (MB = 2^20 bytes here, as in the fleet benchmark).
 * `--cli` also measures `dist/src/cli.js message FILE` when the build has that command.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type LabHandle, startLab } from '../src/lab/index.js';
import {
  type AttachmentKind,
  BENCH_FROM_DOMAIN,
  type DkimSigningKey,
  type GeneratedMessage,
  type LineEnd,
  writeMessage,
} from './message-gen.js';
import {
  BENCH_SENDER,
  type MessageRunMode,
  type MessageRunOptions,
  type MessageRunResult,
} from './message-worker.js';
import { childRuntime } from './runtime.js';

const MB = 1024 * 1024;
/** Issue 10: peak RSS stays under 3 x the message size plus 150 MB. */
export const RSS_BOUND_FACTOR = 3;
export const RSS_BOUND_BASE_BYTES = 150 * MB;
/** The issue's normal case: a 40 MB message, most of it a 30 MB attachment (40 MB once in base64). */
const DEFAULT_SIZE_MB = 40;
const DEFAULT_ATTACHMENT_BYTES = 30_000_000;
const DKIM_SELECTOR = 'bench1';
/** RSA key size of the benchmark's signer (the common size; RFC 8301 asks at least 1024). */
const DKIM_KEY_BITS = 2048;
/** Exit code of the CLI for a usage error (an unknown command, sysexits EX_USAGE). */
const CLI_USAGE_EXIT = 64;

export interface MessageCase {
  name: string;
  attachment: AttachmentKind;
  eol: LineEnd;
  signed: boolean;
}

export const MESSAGE_CASES: readonly MessageCase[] = (['crlf', 'lf'] as const).flatMap((eol) => [
  { name: `pdf-${eol}`, attachment: 'pdf' as const, eol, signed: false },
  { name: `zip-${eol}`, attachment: 'zip' as const, eol, signed: false },
  { name: `signed-${eol}`, attachment: 'pdf' as const, eol, signed: true },
]);

export function rssBound(messageBytes: number): number {
  return RSS_BOUND_FACTOR * messageBytes + RSS_BOUND_BASE_BYTES;
}

export interface RunRow {
  case: string;
  via: 'library' | 'cli';
  mode: MessageRunMode;
  bytes: number;
  elapsedMs: number;
  /** Undefined for the CLI (a spawned process's CPU time is not read). */
  cpuMs?: number;
  peakRss: number;
  startRss?: number;
  bound: number;
  holds: boolean;
  status: string;
  dkimSignature?: string;
  attachments?: string;
  /** Finding ids of the report (library runs). */
  findings?: string[];
  /** Why it was not measured (the CLI without a message command). */
  skipped?: string;
}

/** The lab zone: the From domain with SPF, DMARC, MX, the sending IP's PTR and the DKIM key. */
function labZone(publicKeyBase64: string): string {
  const d = BENCH_FROM_DOMAIN;
  const [ip] = BENCH_SENDER.ips;
  const reverse = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return [
    `${d}:`,
    `  SOA: "ns.${d} hostmaster.${d} 1 7200 3600 1209600 300"`,
    `  MX: "10 mx.${d}"`,
    `  TXT: "v=spf1 ip4:${ip} -all"`,
    `mx.${d}: {A: 192.0.2.25}`,
    `bounce.${d}: {TXT: "v=spf1 ip4:${ip} -all", MX: "10 mx.${d}"}`,
    `_dmarc.${d}: {TXT: "v=DMARC1; p=reject; rua=mailto:d@${d}"}`,
    `${DKIM_SELECTOR}._domainkey.${d}: {TXT: [["v=DKIM1; k=rsa; p=", "${publicKeyBase64}"]]}`,
    `${reverse}: {PTR: ${BENCH_SENDER.helo}}`,
    `${BENCH_SENDER.helo}: {A: ${ip}}`,
  ].join('\n');
}

function signingKey(): { key: DkimSigningKey; publicKeyBase64: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: DKIM_KEY_BITS });
  return {
    key: {
      domain: BENCH_FROM_DOMAIN,
      selector: DKIM_SELECTOR,
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    },
    publicKeyBase64: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

const runtime = childRuntime('message-worker');

/** Runs one audit in a fresh worker process and returns its measurement. */
export function runWorker(o: MessageRunOptions, nodeFlags: string[] = []): Promise<MessageRunResult> {
  const child: ChildProcess = fork(join(runtime.dir, `message-worker${runtime.ext}`), [JSON.stringify(o)], {
    execArgv: [...runtime.execArgv, ...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: MessageRunResult | undefined;
    child.on('message', (m: MessageRunResult) => {
      if (m.type === 'result') result = m;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`message worker exited with ${code} without a result`)),
    );
  });
}

function repoRoot(): string {
  const here = new URL('.', import.meta.url).pathname;
  return existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '..', '..');
}

/**
 * The CLI as a user runs it (`dist/src/cli.js message FILE`), its peak RSS from the --require
 * hook bench/hwm-hook.cjs. Wall time includes Node's start and writing the JSON report.
 */
async function runCli(
  file: string,
  mode: MessageRunMode,
  lab: LabHandle,
  dir: string,
): Promise<
  Pick<RunRow, 'elapsedMs' | 'peakRss' | 'status' | 'skipped'> & { checks?: Record<string, string> }
> {
  const root = repoRoot();
  const cli = join(root, 'dist', 'src', 'cli.js');
  if (!existsSync(cli))
    return { elapsedMs: Number.NaN, peakRss: Number.NaN, status: '-', skipped: 'no build (npm run build)' };
  const hwmFile = join(dir, 'cli-hwm');
  const out = join(dir, 'cli-report.json');
  rmSync(hwmFile, { force: true });
  rmSync(out, { force: true });
  const modeArgs =
    mode === 'offline'
      ? ['--no-dns']
      : [
          '--resolver',
          `${lab.host}:${lab.port}`,
          '--no-smtp',
          '--ip',
          BENCH_SENDER.ips[0],
          '--helo',
          BENCH_SENDER.helo,
        ];
  const args = [
    '--require',
    join(root, 'bench', 'hwm-hook.cjs'),
    cli,
    'message',
    file,
    ...modeArgs,
    '--format',
    'json',
    '--output',
    out,
  ];
  const t0 = performance.now();
  let stderr = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MP_BENCH_HWM_FILE: hwmFile },
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const elapsedMs = performance.now() - t0;
  if (code === CLI_USAGE_EXIT || !existsSync(out))
    return {
      elapsedMs: Number.NaN,
      peakRss: Number.NaN,
      status: '-',
      skipped: `the CLI has no usable message command (exit ${code}: ${stderr.trim().split('\n')[0] ?? ''})`,
    };
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    status: string;
    checks: Record<string, { status: string }>;
  };
  const checks = Object.fromEntries(Object.entries(report.checks).map(([id, c]) => [id, c.status]));
  return {
    elapsedMs,
    peakRss: Number(readFileSync(hwmFile, 'utf8').split(' ')[0]) * 1024,
    status: report.status,
    checks,
  };
}

const mb = (b: number) => (Number.isNaN(b) ? '-' : `${(b / MB).toFixed(1)} MB`);
const secs = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`;

export function formatTable(rows: readonly RunRow[]): string {
  const head = [
    'case',
    'via',
    'mode',
    'size',
    'wall',
    'CPU',
    'peak RSS',
    'start RSS',
    'bound',
    'holds',
    'report',
    'dkim-signature',
    'attachments',
  ];
  const lines = rows.map((r) =>
    r.skipped
      ? [r.case, r.via, r.mode, mb(r.bytes), `skipped: ${r.skipped}`]
      : [
          r.case,
          r.via,
          r.mode,
          mb(r.bytes),
          secs(r.elapsedMs),
          secs(r.cpuMs),
          mb(r.peakRss),
          r.startRss === undefined ? '-' : mb(r.startRss),
          mb(r.bound),
          r.holds ? 'yes' : 'NO',
          r.status,
          r.dkimSignature ?? '-',
          r.attachments ?? '-',
        ],
  );
  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [md(head), md(head.map(() => '---')), ...lines.map(md)].join('\n');
}

function rowOf(
  c: MessageCase,
  m: GeneratedMessage,
  via: RunRow['via'],
  mode: MessageRunMode,
  r: {
    elapsedMs: number;
    cpuMs?: number;
    peakRss: number;
    startRss?: number;
    status: string;
    checks?: Record<string, string>;
    findings?: string[];
    skipped?: string;
  },
): RunRow {
  const bound = rssBound(m.bytes);
  return {
    case: c.name,
    via,
    mode,
    bytes: m.bytes,
    elapsedMs: r.elapsedMs,
    ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}),
    peakRss: r.peakRss,
    ...(r.startRss !== undefined ? { startRss: r.startRss } : {}),
    bound,
    holds: r.peakRss < bound,
    status: r.status,
    ...(r.checks?.['dkim-signature'] ? { dkimSignature: r.checks['dkim-signature'] } : {}),
    ...(r.checks?.['attachments'] ? { attachments: r.checks['attachments'] } : {}),
    ...(r.findings ? { findings: r.findings } : {}),
    ...(r.skipped ? { skipped: r.skipped } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mb': { type: 'string', default: String(DEFAULT_SIZE_MB) },
      'attachment-bytes': { type: 'string', default: String(DEFAULT_ATTACHMENT_BYTES) },
      cases: { type: 'string' },
      modes: { type: 'string', default: 'offline,lab' },
      cli: { type: 'boolean', default: false },
      keep: { type: 'string' },
      json: { type: 'boolean', default: false },
      'heap-snapshot': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
    },
  });
  const bytes = Math.round(Number(values['size-mb']) * MB);
  const attachmentBytes = Number(values['attachment-bytes']);
  const wanted = values.cases?.split(',');
  const cases = MESSAGE_CASES.filter((c) => !wanted || wanted.includes(c.name));
  if (cases.length === 0)
    throw new Error(`no such case; cases: ${MESSAGE_CASES.map((c) => c.name).join(', ')}`);
  const modes = (values.modes ?? '').split(',') as MessageRunMode[];
  const nodeFlags = (values['node-flags'] ?? '').split(' ').filter((f) => f !== '');
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'mp-bench-message-'));
  mkdirSync(dir, { recursive: true });
  const log = (s: string) => {
    if (!values.json) process.stderr.write(`${s}\n`);
  };
  log(
    `workers: ${runtime.kind === 'compiled' ? `compiled JavaScript (${runtime.dir})` : `tsx (${runtime.note ?? ''})`}`,
  );
  const { key, publicKeyBase64 } = signingKey();
  const lab = await startLab(labZone(publicKeyBase64));
  const rows: RunRow[] = [];
  try {
    for (const c of cases) {
      const file = join(dir, `${c.name}.eml`);
      const t0 = performance.now();
      const m = await writeMessage(file, {
        bytes,
        attachment: { kind: c.attachment, bytes: attachmentBytes },
        eol: c.eol,
        ...(c.signed ? { dkim: key } : {}),
      });
      log(
        `${c.name}: generated ${m.bytes} bytes in ${secs(performance.now() - t0)}${m.zipEntries ? ` (${m.zipEntries} zip entries)` : ''}`,
      );
      for (const mode of modes) {
        const o: MessageRunOptions = {
          file,
          mode,
          ...(mode === 'lab' ? { lab: { host: lab.host, port: lab.port } } : {}),
          ...(values['heap-snapshot']
            ? { heapSnapshot: join(values['heap-snapshot'], `${c.name}-${mode}.heapsnapshot`) }
            : {}),
        };
        const r = await runWorker(o, nodeFlags);
        const row = rowOf(c, m, 'library', mode, r);
        rows.push(row);
        log(
          `  library ${mode}: ${secs(r.elapsedMs)}, peak ${mb(r.peakRss)} (bound ${mb(row.bound)}: ${row.holds ? 'holds' : 'MISSED'}), ${r.status}`,
        );
        if (values.cli) {
          const cr = await runCli(file, mode, lab, dir);
          rows.push(rowOf(c, m, 'cli', mode, cr));
          log(`  cli ${mode}: ${cr.skipped ?? `${secs(cr.elapsedMs)}, peak ${mb(cr.peakRss)}`}`);
        }
      }
      if (values.keep === undefined) rmSync(file, { force: true });
    }
  } finally {
    await lab.stop();
    if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
  if (values.json)
    process.stdout.write(`${JSON.stringify({ runtime: runtime.kind, attachmentBytes, rows }, null, 2)}\n`);
  else {
    process.stdout.write(
      `mail-preflight message benchmark: ${mb(bytes)} messages (${bytes} bytes), attachment ${attachmentBytes} bytes decoded; ` +
        `bound = ${RSS_BOUND_FACTOR} x size + ${RSS_BOUND_BASE_BYTES / MB} MB; MB = 2^20 bytes\n\n${formatTable(rows)}\n`,
    );
  }
  const missed = rows.filter((r) => !r.skipped && !r.holds);
  if (missed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && /bench[/\\]message\.[jt]s$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `bench:message: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  });
}
