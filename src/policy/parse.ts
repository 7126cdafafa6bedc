/**
 * Reads and validates a policy file strictly: every key is known, every value has its type, and
 * an error names the line it is on. The file is bounded in size and in entries, and YAML aliases
 * are refused (a policy has no use for them, and they are how a small file becomes a huge one).
 */
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { isValidSelector } from '../../checks/dkim/index.js';
import { hostName, isDnsName } from '../../checks/shared/dns.js';
import { UsageError } from '../errors.js';
import {
  DMARC_STRENGTH,
  type DmarcStrength,
  type ExpectationBlock,
  type ExpectationKey,
  type ExpectationSeverity,
  type Policy,
  type Waiver,
} from './types.js';

/** The file a policy is looked for in the working directory. */
export const DEFAULT_POLICY_FILE = '.mail-preflight.yml';
/** A policy file is a few hundred lines; a bigger one is a mistake or hostile. */
export const MAX_POLICY_BYTES = 256 * 1024;
/** `expect:` blocks in one file. */
export const MAX_EXPECT_BLOCKS = 200;
/** Waivers in one file. */
export const MAX_WAIVERS = 1000;
/** Items of one list (domains, selectors, hosts, includes). */
export const MAX_LIST_ITEMS = 100;
/** Longest waiver reason. */
export const MAX_REASON_CHARS = 500;
/**
 * How far ahead a waiver may expire. A waiver is a debt with a due date: one that outlives a
 * year is a policy change, and belongs in `expect:` or in the checks, not in a waiver.
 */
export const MAX_WAIVER_DAYS = 366;
/** RFC 7208 4.6.4: at most 10 DNS-querying terms; a lower bound below 1 would forbid any include. */
const SPF_LOOKUPS_RANGE = { min: 1, max: 10 } as const;

const TOP_KEYS = ['version', 'expect', 'waivers'] as const;
const BLOCK_KEYS = [
  'domains',
  'severity',
  'dmarc',
  'dkimSelectors',
  'mxHosts',
  'spfIncludes',
  'spfMaxLookups',
] as const;
const WAIVER_KEYS = ['finding', 'domains', 'identities', 'reason', 'expires'] as const;
const SEVERITIES: readonly ExpectationSeverity[] = ['error', 'warning'];
/** `check/key`, with `*` standing for any run of characters. */
const FINDING_PATTERN = /^[a-z0-9*][a-z0-9*-]*\/[a-z0-9*-]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export interface ReadPolicyOptions {
  /** Today (UTC) for the expiry horizon; default: now. */
  today?: Date;
}

/** Reads the policy file at `path` (as given: findings name it so). */
export function readPolicyFile(path: string, options: ReadPolicyOptions = {}): Policy {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_POLICY_BYTES)
      throw new UsageError(`policy ${path} is larger than ${MAX_POLICY_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read policy ${path}: ${(err as Error).message}`);
  }
  return parsePolicy(text, path, options);
}

/** Parses policy text; `file` names it in errors and findings. */
export function parsePolicy(text: string, file: string, options: ReadPolicyOptions = {}): Policy {
  if (text.length > MAX_POLICY_BYTES)
    throw new UsageError(`policy ${file} is larger than ${MAX_POLICY_BYTES} bytes`);
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  } catch (err) {
    throw new UsageError(`policy ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    throw new UsageError(
      `policy ${file}${line ? ` line ${line}` : ''}: not valid YAML: ${yamlError.message.split('\n')[0]}`,
    );
  }
  const reader = new Reader(file, lineCounter);
  const today = utcDay(options.today ?? new Date());
  const policy: Policy = { file, expect: [], waivers: [] };
  if (doc.contents === null) return policy; // an empty file: no expectations, no waivers
  const root = reader.map(doc.contents, 'the policy');
  for (const pair of root.items) {
    const key = reader.key(pair.key, TOP_KEYS, 'the policy');
    const value = pair.value as Node | null;
    if (key === 'version') {
      if (!isScalar(value) || value.value !== 1) throw reader.error(value ?? pair.key, '"version" must be 1');
    } else if (key === 'expect') {
      const items = reader.seq(value, '"expect"', MAX_EXPECT_BLOCKS);
      for (const item of items) policy.expect.push(readBlock(reader, item));
    } else {
      const items = reader.seq(value, '"waivers"', MAX_WAIVERS);
      for (const item of items) policy.waivers.push(readWaiver(reader, item, today));
    }
  }
  return policy;
}

function readBlock(reader: Reader, node: Node | null): ExpectationBlock {
  const map = reader.map(node, 'an "expect" entry');
  const line = reader.lineOf(map);
  const block: ExpectationBlock = {
    domains: [],
    severity: 'error',
    dkimSelectors: [],
    mxHosts: [],
    spfIncludes: [],
    line,
    lines: {},
  };
  for (const pair of map.items) {
    const key = reader.key(pair.key, BLOCK_KEYS, 'an "expect" entry');
    const value = pair.value as Node | null;
    if (key !== 'domains' && key !== 'severity') block.lines[key as ExpectationKey] = reader.lineOf(pair.key);
    switch (key) {
      case 'domains':
        block.domains = reader.list(value, key).map((d) => domainPattern(reader, value, d));
        break;
      case 'severity':
        block.severity = reader.choice(value, key, SEVERITIES);
        break;
      case 'dmarc':
        block.dmarc = reader.choice<DmarcStrength>(value, key, DMARC_STRENGTH);
        break;
      case 'dkimSelectors':
        block.dkimSelectors = reader.list(value, key).map((s) => {
          const selector = s.toLowerCase();
          if (!isValidSelector(selector)) throw reader.error(value, `"${s}" is not a DKIM selector`);
          return selector;
        });
        break;
      case 'mxHosts':
        block.mxHosts = reader.list(value, key).map((h) => domainPattern(reader, value, h));
        break;
      case 'spfIncludes':
        block.spfIncludes = reader.list(value, key).map((d) => {
          const name = hostName(d);
          if (!isDnsName(name, { underscore: true })) throw reader.error(value, `"${d}" is not a domain`);
          return name;
        });
        break;
      case 'spfMaxLookups': {
        const n = isScalar(value) ? value.value : undefined;
        if (
          typeof n !== 'number' ||
          !Number.isInteger(n) ||
          n < SPF_LOOKUPS_RANGE.min ||
          n > SPF_LOOKUPS_RANGE.max
        )
          throw reader.error(
            value ?? pair.key,
            `"spfMaxLookups" must be a whole number from ${SPF_LOOKUPS_RANGE.min} to ${SPF_LOOKUPS_RANGE.max} (RFC 7208 4.6.4)`,
          );
        block.spfMaxLookups = n;
        break;
      }
    }
  }
  if (Object.keys(block.lines).length === 0)
    throw reader.error(map, `an "expect" entry needs at least one of ${BLOCK_KEYS.slice(2).join(', ')}`);
  return block;
}

function readWaiver(reader: Reader, node: Node | null, today: number): Waiver {
  const map = reader.map(node, 'a waiver');
  const line = reader.lineOf(map);
  const waiver: Partial<Waiver> & Pick<Waiver, 'domains' | 'identities' | 'line'> = {
    domains: [],
    identities: [],
    line,
  };
  for (const pair of map.items) {
    const key = reader.key(pair.key, WAIVER_KEYS, 'a waiver');
    const value = pair.value as Node | null;
    switch (key) {
      case 'finding': {
        const pattern = reader.string(value, key).toLowerCase();
        if (!FINDING_PATTERN.test(pattern))
          throw reader.error(
            value,
            `"finding" must be a finding id such as spf/too-many-lookups, or a glob such as spf/*`,
          );
        if (pattern.startsWith('policy/waiver-expired'))
          throw reader.error(value, 'an expired waiver cannot be waived: renew or remove it');
        waiver.finding = pattern;
        break;
      }
      case 'domains':
        waiver.domains = reader.list(value, key).map((d) => domainPattern(reader, value, d));
        break;
      case 'identities':
        waiver.identities = reader.list(value, key);
        break;
      case 'reason': {
        const reason = reader.string(value, key).trim();
        if (reason === '') throw reader.error(value, 'a waiver needs a reason');
        if (reason.length > MAX_REASON_CHARS)
          throw reader.error(value, `a waiver's reason is at most ${MAX_REASON_CHARS} characters`);
        waiver.reason = reason;
        break;
      }
      case 'expires':
        waiver.expires = readExpiry(reader, value, today);
        break;
    }
  }
  for (const required of ['finding', 'reason', 'expires'] as const)
    if (waiver[required] === undefined) throw reader.error(map, `a waiver needs "${required}"`);
  return waiver as Waiver;
}

/** YYYY-MM-DD, a real date, no further ahead than MAX_WAIVER_DAYS. A past date is allowed: it is reported as expired. */
function readExpiry(reader: Reader, value: Node | null, today: number): string {
  const text = reader.string(value, 'expires');
  const day = parseDay(text);
  if (day === undefined) throw reader.error(value, `"expires" must be a date YYYY-MM-DD, not "${text}"`);
  if (day - today > MAX_WAIVER_DAYS * DAY_MS)
    throw reader.error(value, `"expires" is more than ${MAX_WAIVER_DAYS} days ahead: a waiver is temporary`);
  return text;
}

/** Midnight UTC of a YYYY-MM-DD date, or undefined when it is no real date. */
export function parseDay(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
    ? t
    : undefined;
}

/** Midnight UTC of the day `date` falls on. */
export function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** `example.com` or `*.example.com`, lower-cased without a trailing dot. */
function domainPattern(reader: Reader, node: Node | null, text: string): string {
  const pattern = hostName(text);
  const name = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (!isDnsName(name, { underscore: true }))
    throw reader.error(node, `"${text}" is not a domain or a pattern such as *.example.com`);
  return pattern;
}

/** Node readers that throw UsageErrors naming the file and line. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  lineOf(node: unknown): number {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lineCounter.linePos(range[0]).line : 1;
  }

  error(node: unknown, message: string): UsageError {
    return new UsageError(`policy ${this.file} line ${this.lineOf(node)}: ${message}`);
  }

  private refuseAlias(node: unknown): void {
    if (isAlias(node))
      throw this.error(
        node,
        'aliases (*name) are not allowed in a policy file (quote a glob that starts with *)',
      );
  }

  map(node: unknown, what: string): YAMLMap<unknown, unknown> {
    this.refuseAlias(node);
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping of keys`);
    return node;
  }

  seq(node: unknown, what: string, max: number): (Node | null)[] {
    this.refuseAlias(node);
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) throw this.error(node, `${what} must be a list`);
    if (node.items.length > max) throw this.error(node, `${what} has more than ${max} entries`);
    return node.items as (Node | null)[];
  }

  key<K extends string>(node: unknown, known: readonly K[], where: string): K {
    const key = isScalar(node) ? node.value : undefined;
    if (typeof key !== 'string' || !(known as readonly string[]).includes(key))
      throw this.error(node, `unknown key "${String(key)}" in ${where} (known: ${known.join(', ')})`);
    return key as K;
  }

  string(node: unknown, key: string): string {
    this.refuseAlias(node);
    // A number or date is its written text: a selector `2024` or a date stays as written.
    const value = isScalar(node) ? (node.source ?? node.value) : undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw this.error(node, `"${key}" must be a string`);
    return String(value);
  }

  list(node: unknown, key: string): string[] {
    this.refuseAlias(node);
    if (isScalar(node)) return [this.string(node, key)];
    if (!isSeq(node)) throw this.error(node, `"${key}" must be a string or a list of strings`);
    if (node.items.length > MAX_LIST_ITEMS)
      throw this.error(node, `"${key}" has more than ${MAX_LIST_ITEMS} items`);
    return node.items.map((item) => this.string(item, key));
  }

  choice<T extends string>(node: unknown, key: string, choices: readonly T[]): T {
    const value = this.string(node, key);
    if (!(choices as readonly string[]).includes(value))
      throw this.error(node, `"${key}" must be ${choices.join(', ')}; not "${value}"`);
    return value as T;
  }
}
