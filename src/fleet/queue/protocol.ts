/**
 * What travels through the queue: an audit job (an identity and the run's audit options) and
 * its result (the report, compressed when large, bounded). Everything read from Redis is
 * checked before use: another version of the tool, or anything else, may share the Redis.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DnsCounters } from '../../probe/types.js';
import type { Report, Target } from '../../report.js';

/** The one queue every worker takes audit jobs from (runs are told apart by the job's runId). */
export const AUDIT_QUEUE = 'mail-preflight-audit';
/** The queue a run's results come back on: one per run, removed when the run is complete. */
export function resultsQueueOf(runId: string): string {
  return `mail-preflight-results-${runId}`;
}
/** Hex digits of a job id (sha-256 of run id and identity key): collisions are not a concern. */
const JOB_ID_HEX = 32;
/** A report JSON bigger than this is gzipped before it goes to Redis. */
export const COMPRESS_ABOVE_BYTES = 16 * 1024;
/**
 * The largest result (after compression) a worker sends: a report is tens of kB; anything
 * near this is a runaway, and Redis should not hold it. The identity becomes an error row.
 */
export const MAX_RESULT_BYTES = 4 * 1024 * 1024;
/** The largest report a coordinator inflates (a gzip bomb is refused, not expanded). */
export const MAX_REPORT_JSON_BYTES = 32 * 1024 * 1024;

/** The job id of an identity in a run: enqueuing it twice adds it once. */
export function auditJobId(runId: string, key: string): string {
  return createHash('sha256').update(`${runId}\n${key}`).digest('hex').slice(0, JOB_ID_HEX);
}

/** An audit job's data. */
export interface AuditJobData {
  runId: string;
  key: string;
  target: Target;
  checks?: string[];
  deadlineMs?: number;
}

/** A result job's data: one identity's report (or why none), from one worker. */
export interface ResultJobData {
  key: string;
  /** The report's JSON, `json` as is or `gzip` base64-encoded. */
  report?: { encoding: 'json' | 'gzip'; data: string };
  error?: string;
  durationMs: number;
  /** `hostname:pid`. */
  worker: string;
  /** The audit's start and end on the worker's clock (ms since the epoch). */
  startedAt: number;
  finishedAt: number;
  /** DNS traffic of the worker since its previous result (each query counted once overall). */
  dns: DnsCounters;
}

/** The report in the form a result carries: gzipped above COMPRESS_ABOVE_BYTES. */
export function encodeReport(report: Report): ResultJobData['report'] {
  const json = JSON.stringify(report);
  if (Buffer.byteLength(json) <= COMPRESS_ABOVE_BYTES) return { encoding: 'json', data: json };
  return { encoding: 'gzip', data: gzipSync(json).toString('base64') };
}

/** Bytes a result takes in Redis (about: its JSON). */
export function resultSize(result: ResultJobData): number {
  return Buffer.byteLength(JSON.stringify(result));
}

/** The report a result carries, or a reason it cannot be read. */
export function decodeReport(payload: NonNullable<ResultJobData['report']>): Report | { invalid: string } {
  let json: string;
  try {
    json =
      payload.encoding === 'gzip'
        ? gunzipSync(Buffer.from(payload.data, 'base64'), {
            maxOutputLength: MAX_REPORT_JSON_BYTES,
          }).toString('utf8')
        : payload.data;
  } catch (err) {
    return { invalid: `the report could not be inflated: ${(err as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { invalid: 'the report is not JSON' };
  }
  if (!isObject(value) || typeof value['status'] !== 'string' || !isObject(value['checks']))
    return { invalid: 'the result carries no report' };
  return value as unknown as Report;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An audit job's data checked, or undefined when it is not one of ours. */
export function auditJobDataOf(value: unknown): AuditJobData | undefined {
  if (!isObject(value)) return undefined;
  const { runId, key, target, checks, deadlineMs } = value;
  if (typeof runId !== 'string' || typeof key !== 'string' || !isObject(target)) return undefined;
  if (typeof target['domain'] !== 'string' || !Array.isArray(target['ips'])) return undefined;
  if (checks !== undefined && !(Array.isArray(checks) && checks.every((c) => typeof c === 'string')))
    return undefined;
  if (deadlineMs !== undefined && !(typeof deadlineMs === 'number' && deadlineMs > 0)) return undefined;
  return {
    runId,
    key,
    target: target as unknown as Target,
    ...(checks !== undefined ? { checks: checks as string[] } : {}),
    ...(deadlineMs !== undefined ? { deadlineMs: deadlineMs as number } : {}),
  };
}

/** A result job's data checked, or undefined when it is not one of ours. */
export function resultJobDataOf(value: unknown): ResultJobData | undefined {
  if (!isObject(value)) return undefined;
  const v = value;
  if (typeof v['key'] !== 'string' || typeof v['worker'] !== 'string') return undefined;
  for (const n of ['durationMs', 'startedAt', 'finishedAt'])
    if (typeof v[n] !== 'number' || !Number.isFinite(v[n])) return undefined;
  if (!isObject(v['dns'])) return undefined;
  const report = v['report'];
  if (report !== undefined) {
    if (!isObject(report) || typeof report['data'] !== 'string') return undefined;
    if (report['encoding'] !== 'json' && report['encoding'] !== 'gzip') return undefined;
  }
  if (v['error'] !== undefined && typeof v['error'] !== 'string') return undefined;
  if (report === undefined && v['error'] === undefined) return undefined;
  return v as unknown as ResultJobData;
}
