/**
 * Message benchmark worker (forked by bench/message.ts), one process per measured run, so its
 * peak RSS (VmHWM) is the audit's own: `auditMessage(createReadStream(file), ...)`, the real
 * library path, either offline (`dns: false`, message checks only) or against the loopback lab
 * serving the From domain and its DKIM key (`noSmtp`). It sends one MessageRunResult to the
 * parent and exits.
 */
import { createReadStream } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { auditMessage, type MessageAuditOptions } from '../src/message-audit.js';
import { vmHwm } from './runtime.js';

export type MessageRunMode = 'offline' | 'lab';

/** The sending identity the lab serves for the benchmark's From domain (see bench/message.ts). */
export const BENCH_SENDER = { ips: ['192.0.2.10'], helo: 'out.shop.example' } as const;
/** Per DNS question on loopback: generous, a timeout would make the DKIM check unknown. */
const LAB_TIMEOUT_MS = 2000;

export interface MessageRunOptions {
  file: string;
  mode: MessageRunMode;
  /** The lab DNS server (lab mode). */
  lab?: { host: string; port: number };
  /** Write a V8 heap snapshot here after the audit (after the peak was read). */
  heapSnapshot?: string;
}

export interface MessageRunResult {
  type: 'result';
  mode: MessageRunMode;
  /** Wall time of auditMessage(), from opening the file to the report. */
  elapsedMs: number;
  /** User + system CPU time of this process during the audit. */
  cpuMs: number;
  /** Kernel high-water mark of this process's RSS (bytes); the sampled RSS at the end off Linux. */
  peakRss: number;
  /** RSS before the audit (modules loaded). */
  startRss: number;
  /** The report's overall status and each check's. */
  status: string;
  checks: Record<string, string>;
  /** Finding ids of the report, for a glance at what the audit saw. */
  findings: string[];
}

export function auditOptions(o: MessageRunOptions): MessageAuditOptions {
  if (o.mode === 'offline') return { dns: false, fileName: o.file };
  if (!o.lab) throw new Error('lab mode needs the lab address');
  return {
    resolvers: [`${o.lab.host}:${o.lab.port}`],
    noSmtp: true,
    timeoutMs: LAB_TIMEOUT_MS,
    ips: [...BENCH_SENDER.ips],
    helo: BENCH_SENDER.helo,
    fileName: o.file,
  };
}

/** Audits the message in `o.file` and measures this process while it does. */
export async function measureAudit(o: MessageRunOptions): Promise<MessageRunResult> {
  const options = auditOptions(o);
  const startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await auditMessage(createReadStream(o.file), options);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = vmHwm() ?? process.memoryUsage().rss;
  if (o.heapSnapshot !== undefined) writeHeapSnapshot(o.heapSnapshot);
  const checks: Record<string, string> = {};
  const findings: string[] = [];
  for (const c of Object.values(report.checks)) {
    checks[c.id] = c.status;
    for (const f of c.findings) findings.push(f.id);
  }
  return {
    type: 'result',
    mode: o.mode,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRss,
    startRss,
    status: report.status,
    checks,
    findings,
  };
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as MessageRunOptions;
  const result = await measureAudit(o);
  process.send?.(result, () => process.exit(0));
}

if (process.send && process.argv[1]?.includes('message-worker')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
