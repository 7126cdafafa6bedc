/**
 * Where the queue's Redis is and how to reach it: a `redis://` or `rediss://` (TLS) URL from
 * --queue or MAIL_PREFLIGHT_REDIS_URL, a password from the URL or REDIS_PASSWORD, a private CA
 * from MAIL_PREFLIGHT_REDIS_CA_FILE. The password lives only in the connection options: every
 * text meant for a person goes through maskRedisUrl / redactSecrets first.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';

/** The environment variable holding the Redis URL (`--queue env`, or the worker's default). */
export const REDIS_URL_ENV = 'MAIL_PREFLIGHT_REDIS_URL';
/** The password, when the URL carries none (the convention of Redis tools and images). */
export const REDIS_PASSWORD_ENV = 'REDIS_PASSWORD';
/** PEM CA certificates for a `rediss://` server signed by a private CA. */
export const REDIS_CA_FILE_ENV = 'MAIL_PREFLIGHT_REDIS_CA_FILE';
/** The --queue value that means "the URL is in MAIL_PREFLIGHT_REDIS_URL". */
export const QUEUE_FROM_ENV = 'env';
/** What a password is shown as. */
const MASK = '***';
/** Redis's default port (redis.io/docs/management/config). */
const REDIS_DEFAULT_PORT = 6379;
/** Redis has 16 logical databases by default; a bigger index is still allowed by config. */
const MAX_REDIS_DB = 1_000_000;

/** The options BullMQ and ioredis take for one Redis (no URL string: it may hold the password). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { ca?: string; servername?: string };
  /** BullMQ's workers need commands to wait for a reconnect rather than fail. */
  maxRetriesPerRequest: null;
}

export interface RedisTarget {
  connection: RedisConnectionOptions;
  /** The URL with its password masked: for logs, errors and progress. */
  display: string;
  /** Strings that must never be printed (the password). */
  secrets: readonly string[];
}

/** The URL with any password replaced by `***` (an unparsable URL is masked whole after `//`). */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = MASK;
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, `//${MASK}@`);
  }
}

/** `text` with every secret replaced by `***` (error messages from drivers, just in case). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s !== '') out = out.split(s).join(MASK);
  return out;
}

/**
 * The Redis a --queue value names: a URL, or `env` for MAIL_PREFLIGHT_REDIS_URL (also used
 * when `value` is undefined). REDIS_PASSWORD fills in a password the URL lacks.
 */
export function redisTargetOf(value: string | undefined, env: NodeJS.ProcessEnv): RedisTarget {
  const raw = value === undefined || value === QUEUE_FROM_ENV ? env[REDIS_URL_ENV] : value;
  if (raw === undefined || raw === '')
    throw new UsageError(`no Redis URL: give --queue redis://host:6379/0 or set ${REDIS_URL_ENV}`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--queue ${maskRedisUrl(raw)} is not a URL (redis://host:6379/0)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`--queue ${maskRedisUrl(raw)}: the URL must start with redis:// or rediss:// (TLS)`);
  const password = u.password !== '' ? decodeURIComponent(u.password) : env[REDIS_PASSWORD_ENV] || undefined;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > MAX_REDIS_DB)
    throw new UsageError(`--queue ${maskRedisUrl(raw)}: the database must be a number (redis://host:6379/0)`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new UsageError(`--queue ${maskRedisUrl(raw)} names no host`);
  const connection: RedisConnectionOptions = {
    host,
    port: u.port === '' ? REDIS_DEFAULT_PORT : Number(u.port),
    db,
    maxRetriesPerRequest: null,
  };
  if (u.username !== '') connection.username = decodeURIComponent(u.username);
  if (password !== undefined) connection.password = password;
  if (u.protocol === 'rediss:') {
    const caFile = env[REDIS_CA_FILE_ENV];
    connection.tls = { servername: host, ...(caFile ? { ca: readCa(caFile) } : {}) };
  }
  const shown = new URL(u.toString());
  shown.password = '';
  if (password !== undefined) shown.password = MASK;
  return {
    connection,
    display: shown.toString(),
    secrets: password !== undefined ? [password, u.password] : [],
  };
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${REDIS_CA_FILE_ENV} ${path}: ${(err as Error).message}`);
  }
}
