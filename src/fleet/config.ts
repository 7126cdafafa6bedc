/**
 * Fleet input: a YAML/JSON config listing sending identities (with defaults at the top) or a
 * plain domains file. Invalid entries are reported with their line and skipped; only a file
 * that cannot be read or parsed at all, or a bad top level, is a UsageError.
 *
 * ```yaml
 * defaults:                 # any identity field; an entry's own fields win
 *   profile: bulk
 *   dkimSelectors: [s1, s2]
 *   dkimDiscovery: false    # only the given selectors (not ~36 common ones per identity)
 * resolvers: ["127.0.0.1:5353"]   # optional, like --resolver
 * concurrency: 32                 # optional, like --concurrency
 * timeout: 2000                   # optional per-query DNS timeout in ms, like --timeout
 * checks: [spf, dmarc]            # optional, like --check
 * identities:
 *   - domain: example.com
 *     ips: [192.0.2.10]
 *     helo: mail.example.com
 *     mailFrom: bounce.example.com
 *     dkimDomain: example.com
 *     dkimSelectors: [s1]
 *     profile: transactional
 *   - example.org            # a bare domain: the defaults only
 * ```
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { configFromObject } from '../config.js';
import { UsageError } from '../errors.js';
import type { Target } from '../report.js';
import { normalizeTarget, safe, type TargetInput } from '../target.js';
import { identityKey } from './key.js';
import type { InvalidEntry } from './summary.js';

/** Input files are read whole; bigger ones are a mistake (or hostile). */
export const MAX_FLEET_FILE_BYTES = 64 * 1024 * 1024;
/** Identities one run accepts (its rows stay in memory for the summary). */
export const MAX_FLEET_IDENTITIES = 1_000_000;
/** Invalid entries listed one by one; the count covers them all. */
export const MAX_INVALID_ENTRIES_LISTED = 1000;
/** A sane ceiling for --concurrency / `concurrency:`. */
export const MAX_FLEET_CONCURRENCY = 1024;
/** Bound on aliases in a config (billion-laughs guard). */
const MAX_YAML_ALIASES = 100;

export interface FleetIdentity {
  key: string;
  target: Target;
  /** Where the identity was declared. */
  file: string;
  line: number;
}

export interface FleetInput {
  identities: FleetIdentity[];
  /** The first MAX_INVALID_ENTRIES_LISTED invalid entries. */
  invalid: InvalidEntry[];
  /** Every invalid entry, listed or not. */
  invalidCount: number;
  resolvers?: string[];
  concurrency?: number;
  timeoutMs?: number;
  checks?: string[];
  inputs: string[];
}

const TOP_LEVEL_KEYS = new Set([
  'defaults',
  'identities',
  'resolvers',
  'resolver',
  'concurrency',
  'timeout',
  'timeoutMs',
  'checks',
]);

/** Collects identities, skipping invalid and duplicate entries. */
class InputBuilder {
  readonly identities: FleetIdentity[] = [];
  readonly invalid: InvalidEntry[] = [];
  invalidCount = 0;
  private readonly seen = new Map<string, { file: string; line: number }>();

  reject(file: string, line: number, message: string): void {
    this.invalidCount++;
    if (this.invalid.length < MAX_INVALID_ENTRIES_LISTED) this.invalid.push({ file, line, message });
  }

  add(input: TargetInput, file: string, line: number): void {
    if (this.identities.length >= MAX_FLEET_IDENTITIES) {
      this.reject(file, line, `more than ${MAX_FLEET_IDENTITIES} identities; the rest is skipped`);
      return;
    }
    let target: Target;
    try {
      target = normalizeTarget(input);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      this.reject(file, line, err.message);
      return;
    }
    const key = identityKey(target);
    const first = this.seen.get(key);
    if (first) {
      this.reject(file, line, `the same identity as ${first.file} line ${first.line}; skipped`);
      return;
    }
    this.seen.set(key, { file, line });
    this.identities.push({ key, target, file, line });
  }
}

function readBounded(path: string, what: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_FLEET_FILE_BYTES)
      throw new UsageError(`${what} ${path} is larger than ${MAX_FLEET_FILE_BYTES} bytes`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/**
 * A domains file: one domain per line; `#` starts a comment (at the start of a line or after
 * blanks); blank lines are ignored. Lines that are not a valid domain are reported and skipped.
 */
export function parseDomainsFile(
  text: string,
  file: string,
  defaults: Partial<TargetInput> = {},
): FleetInput {
  const builder = new InputBuilder();
  addDomains(builder, text, file, defaults);
  return finish(builder, [file]);
}

function addDomains(builder: InputBuilder, text: string, file: string, defaults: Partial<TargetInput>): void {
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    start = end + 1;
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') continue;
    if (/\s/.test(content)) {
      builder.reject(file, lineNo, `expected one domain per line, got "${safe(content)}"`);
      continue;
    }
    builder.add({ ...defaults, domain: content }, file, lineNo);
  }
}

export function readDomainsFile(path: string, defaults: Partial<TargetInput> = {}): FleetInput {
  return parseDomainsFile(readBounded(path, 'domains file'), path, defaults);
}

/** A fleet config (YAML or JSON), see the comment at the top of this file. */
export function parseFleetConfig(text: string, file: string): FleetInput {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new UsageError(`${file} is not valid YAML or JSON: ${(e?.message ?? '').split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new UsageError(`${file}: expected a mapping with "identities" at the top`);
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 0;
  const top = toJs(() => doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }), file, 1) as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw new UsageError(`${file}: unknown top-level key "${safe(key)}"`);
  }
  const builder = new InputBuilder();
  let defaults: Partial<TargetInput> = {};
  if (top['defaults'] !== undefined && top['defaults'] !== null) {
    try {
      defaults = identityFields(top['defaults'], `${file} defaults`);
    } catch (err) {
      if (err instanceof UsageError)
        throw new UsageError(`${err.message} (line ${lineOf(root.get('defaults', true) as Node)})`);
      throw err;
    }
  }
  const list = root.get('identities', true);
  if (!isSeq(list)) throw new UsageError(`${file}: "identities" must be a list`);
  for (const item of list.items) {
    const line = lineOf(item as Node);
    const value = isScalar(item)
      ? item.value
      : toJs(() => (item as Node).toJS(doc, { maxAliasCount: MAX_YAML_ALIASES }), file, line);
    try {
      const fields =
        typeof value === 'string'
          ? { domain: value }
          : identityFields(value, `entry at ${file} line ${line}`);
      const merged = { ...defaults, ...fields };
      if (merged.domain === undefined) throw new UsageError('has no "domain"');
      builder.add(merged as TargetInput, file, line);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      builder.reject(file, line, err.message);
    }
  }
  const out = finish(builder, [file]);
  const resolvers = top['resolvers'] ?? top['resolver'];
  if (resolvers !== undefined) {
    const rs = Array.isArray(resolvers) ? resolvers : [resolvers];
    if (!rs.every((r) => typeof r === 'string')) throw new UsageError(`${file}: "resolvers" must be strings`);
    out.resolvers = rs as string[];
  }
  const concurrency = top['concurrency'];
  if (concurrency !== undefined) out.concurrency = checkConcurrency(concurrency, `${file}: "concurrency"`);
  const timeout = top['timeout'] ?? top['timeoutMs'];
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 120_000)
      throw new UsageError(`${file}: "timeout" must be 1 to 120000 ms`);
    out.timeoutMs = timeout;
  }
  const checks = top['checks'];
  if (checks !== undefined) {
    if (!Array.isArray(checks) || !checks.every((c) => typeof c === 'string'))
      throw new UsageError(`${file}: "checks" must be a list of check ids`);
    out.checks = checks as string[];
  }
  return out;
}

export function readFleetConfig(path: string): FleetInput {
  return parseFleetConfig(readBounded(path, 'fleet config'), path);
}

/** Concurrency from a flag or config: an integer from 1 to MAX_FLEET_CONCURRENCY. */
export function checkConcurrency(value: unknown, what = '--concurrency'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FLEET_CONCURRENCY)
    throw new UsageError(
      `${what} must be an integer from 1 to ${MAX_FLEET_CONCURRENCY}, not "${safe(String(value))}"`,
    );
  return n;
}

/** Puts several inputs (a config and a domains file) into one, dropping repeated identities. */
export function mergeFleetInputs(inputs: readonly FleetInput[]): FleetInput {
  const builder = new InputBuilder();
  const merged: FleetInput = { identities: [], invalid: [], invalidCount: 0, inputs: [] };
  for (const input of inputs) {
    for (const e of input.invalid) builder.reject(e.file, e.line, e.message);
    builder.invalidCount += input.invalidCount - input.invalid.length;
    for (const id of input.identities) builder.add(id.target, id.file, id.line);
    merged.inputs.push(...input.inputs);
    if (input.resolvers) merged.resolvers = input.resolvers;
    if (input.concurrency !== undefined) merged.concurrency = input.concurrency;
    if (input.timeoutMs !== undefined) merged.timeoutMs = input.timeoutMs;
    if (input.checks) merged.checks = input.checks;
  }
  return {
    ...merged,
    identities: builder.identities,
    invalid: builder.invalid,
    invalidCount: builder.invalidCount,
  };
}

function finish(builder: InputBuilder, inputs: string[]): FleetInput {
  return {
    identities: builder.identities,
    invalid: builder.invalid,
    invalidCount: builder.invalidCount,
    inputs,
  };
}

/** An identity mapping: the audit config keys (aliases included) minus the run-wide ones. */
function identityFields(value: unknown, where: string): Partial<TargetInput> {
  const config = configFromObject(value, where);
  if (config.resolvers !== undefined || config.timeoutMs !== undefined)
    throw new UsageError(`${where}: resolvers and timeout belong at the top of the config`);
  return config;
}

function toJs(convert: () => unknown, file: string, line: number): unknown {
  try {
    return convert();
  } catch (err) {
    throw new UsageError(`${file} line ${line}: ${(err as Error).message.split('\n')[0]}`);
  }
}
