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
 * dnsConcurrency: 500             # optional, like --dns-concurrency
 * threads: 4                      # optional, like --threads
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
 * A number where a string is expected is its text as written (`dkimSelectors: [20161025]`,
 * see WrittenNumber); a value of the wrong type names its line.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { configFromObject, MAX_CONFIG_ALIASES } from '../config.js';
import { UsageError } from '../errors.js';
import {
  configKeysOf,
  configuredOptions,
  fieldOf,
  type LineOfKey,
  readConfigKeys,
  writtenText,
} from '../options/config-keys.js';
import { type ConfigScope, MAX_FLEET_CONCURRENCY } from '../options/table.js';
import { flagOf, parseNumber } from '../options/values.js';
import { keepWrittenNumbers, keyLines } from '../options/yaml-config.js';
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
export { MAX_FLEET_CONCURRENCY };

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
  dnsConcurrency?: number;
  threads?: number;
  timeoutMs?: number;
  checks?: string[];
  /** The policy file (`policy:`). */
  policy?: string;
  /** The reputation check's run-wide settings (config keys dqsKey, blocklists). */
  dqsKey?: string;
  blocklists?: string[];
  inputs: string[];
}

/** The run-wide keys of a fleet config's top level (beside `defaults` and `identities`). */
const TOP_LEVEL_SCOPES: readonly ConfigScope[] = ['run', 'fleet-run'];
const TOP_LEVEL_KEYS = new Set(['defaults', 'identities', ...configKeysOf(TOP_LEVEL_SCOPES).keys()]);

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

/** Identities parsed per YAML document in the chunked path (see splitIdentityList). */
const IDENTITIES_PER_CHUNK = 256;

/**
 * A fleet config (YAML or JSON), see the comment at the top of this file.
 *
 * A block-style `identities:` list is parsed a few hundred entries at a time (the YAML
 * parser's working memory for a whole 10,000-entry file is ~300 MB; for a chunk it is a few
 * MB). Anything that path does not fit (flow style, anchors and aliases, document markers,
 * tabs, an entry it cannot place, any error at all) is parsed as one document instead, which
 * is also what gives the error message. `chunked: false` forces the one-document path.
 */
export function parseFleetConfig(
  text: string,
  file: string,
  options: { chunked?: boolean | 'only' } = {},
): FleetInput {
  if (options.chunked !== false) {
    const split = splitIdentityList(text);
    if (options.chunked === 'only') {
      // For tests: the chunked path alone, with its own errors.
      if (!split) throw new Error('not a plain block-style identities list');
      return parseChunked(split, file);
    }
    if (split) {
      try {
        return parseChunked(split, file);
      } catch {
        // Fall through: the one-document parse decides, and names the error.
      }
    }
  }
  return parseWhole(text, file);
}

/**
 * Lines of a parsed YAML document (a whole file, or a part of one that starts at a later line
 * of the file: `toFileLine` maps the document's lines to the file's).
 */
interface DocumentLines {
  lineCounter: LineCounter;
  toFileLine: (line: number) => number;
}

/** The file line a node starts on (0 when the node has no place). */
function lineOf(lines: DocumentLines, node: Node | null | undefined): number {
  return node?.range ? lines.toFileLine(lines.lineCounter.linePos(node.range[0]).line) : 0;
}

/** A parsed document's value, its numbers kept as written (see WrittenNumber). */
function documentValue(doc: Document, file: string): Record<string, unknown> {
  keepWrittenNumbers(doc);
  return toJs(() => doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES }), file, 1) as Record<string, unknown>;
}

function notYaml(file: string, message: string): UsageError {
  return new UsageError(`${file} is not valid YAML or JSON: ${message.split('\n')[0]}`);
}

function parseWhole(text: string, file: string): FleetInput {
  const lines: DocumentLines = { lineCounter: new LineCounter(), toFileLine: (line) => line };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines.lineCounter, uniqueKeys: false });
  } catch (err) {
    // A YAML nested past the stack can overflow the parser itself (a RangeError), not only
    // land in doc.errors: it is bad input all the same (found by test/fuzz).
    throw notYaml(file, (err as Error).message);
  }
  if (doc.errors.length > 0) throw notYaml(file, doc.errors[0]?.message ?? '');
  const root = doc.contents;
  if (!isMap(root)) throw new UsageError(`${file}: expected a mapping with "identities" at the top`);
  const top = documentValue(doc, file);
  const defaults = topLevel(top, root, lines, file);
  const list = root.get('identities', true);
  if (!isSeq(list)) throw new UsageError(`${file}: "identities" must be a list`);
  const builder = new InputBuilder();
  addItems(builder, doc, list, lines, defaults, file);
  return withTopLevel(finish(builder, [file]), top, file, keyLines(root, lines.lineCounter));
}

/** Checks the top-level keys and returns the defaults. */
function topLevel(
  top: Record<string, unknown>,
  root: YAMLMap,
  lines: DocumentLines,
  file: string,
): Partial<TargetInput> {
  for (const key of Object.keys(top)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw new UsageError(`${file}: unknown top-level key "${safe(key)}"`);
  }
  if (top['defaults'] === undefined || top['defaults'] === null) return {};
  const node = root.get('defaults', true);
  return identityFields(
    top['defaults'],
    `defaults at ${file} line ${lineOf(lines, node as Node)}`,
    keyLines(node, lines.lineCounter, lines.toFileLine),
  );
}

function addItems(
  builder: InputBuilder,
  doc: Document,
  list: YAMLSeq,
  lines: DocumentLines,
  defaults: Partial<TargetInput>,
  file: string,
): void {
  for (const item of list.items) {
    const line = lineOf(lines, item as Node);
    const value = writtenText(
      isScalar(item)
        ? item.value
        : toJs(() => (item as Node).toJS(doc, { maxAliasCount: MAX_CONFIG_ALIASES }), file, line),
    );
    // An entry on several lines names the line of a bad key too.
    const keyLine = keyLines(item, lines.lineCounter, lines.toFileLine);
    try {
      const fields =
        typeof value === 'string'
          ? { domain: value }
          : identityFields(value, `entry at ${file} line ${line}`, (key) => {
              const at = keyLine(key);
              return at === line ? undefined : at;
            });
      const merged = { ...defaults, ...fields };
      if (merged.domain === undefined) throw new UsageError('has no "domain"');
      builder.add(merged as TargetInput, file, line);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      builder.reject(file, line, err.message);
    }
  }
}

interface SplitConfig {
  /** The file without the list's entries (the `identities:` line stays, empty). */
  outside: string;
  /** Groups of entries, each with the 0-based index of its first line in the file. */
  chunks: { lines: string[]; firstLine: number }[];
  /** The file line of a line of `outside` (1-based both). */
  outsideToFileLine: (line: number) => number;
}

/**
 * Finds a block-style `identities:` list at the top level and cuts it into groups of entries,
 * or gives undefined when the file is not plainly of that shape. An entry starts with `-` at
 * the list's indentation; every line of an entry is indented more (YAML requires it of block
 * content and of flow and quoted continuation lines), so entries are cut only there.
 */
export function splitIdentityList(text: string): SplitConfig | undefined {
  // Anchors and aliases may cross entries; tabs in indentation (after spaces too: found by
  // test/fuzz) and document markers are not plain block YAML.
  if (/(?:^|[\s[{,])[&*]/m.test(text) || /^ *\t|^(?:---|\.\.\.)(?:\s|$)/m.test(text)) return undefined;
  const lines = text.split('\n');
  const blank = (l: string) => /^\s*(?:#.*)?\r?$/.test(l);
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const heads = lines.flatMap((l, i) => (/^identities:[ ]*(?:#.*)?\r?$/.test(l) ? [i] : []));
  if (heads.length !== 1) return undefined;
  const head = heads[0] as number;
  let first = head + 1;
  while (first < lines.length && blank(lines[first] as string)) first++;
  if (first >= lines.length) return undefined;
  const k = indentOf(lines[first] as string);
  const isEntry = (l: string) => indentOf(l) === k && /^-(?: |\r?$)/.test(l.slice(k));
  if (!isEntry(lines[first] as string)) return undefined;
  const starts: number[] = [];
  let end = first;
  for (; end < lines.length; end++) {
    const l = lines[end] as string;
    if (blank(l)) continue;
    const ind = indentOf(l);
    if (ind > k) continue;
    if (isEntry(l)) {
      starts.push(end);
      continue;
    }
    // The list ends at the next top-level key; anything else at this depth is not plain.
    if (ind === 0 && /^[A-Za-z_][\w-]*:(?: |\r?$)/.test(l)) break;
    return undefined;
  }
  const chunks: SplitConfig['chunks'] = [];
  for (let i = 0; i < starts.length; i += IDENTITIES_PER_CHUNK) {
    const from = starts[i] as number;
    const to = starts[i + IDENTITIES_PER_CHUNK] ?? end;
    chunks.push({ lines: lines.slice(from, to), firstLine: from });
  }
  const outside = [...lines.slice(0, head + 1), ...lines.slice(end)].join('\n');
  const cut = end - head - 1;
  return { outside, chunks, outsideToFileLine: (line) => (line <= head + 1 ? line : line + cut) };
}

function parseChunked(split: SplitConfig, file: string): FleetInput {
  const outsideLines: DocumentLines = {
    lineCounter: new LineCounter(),
    toFileLine: split.outsideToFileLine,
  };
  const outside = parseDocument(split.outside, { lineCounter: outsideLines.lineCounter, uniqueKeys: false });
  if (outside.errors.length > 0 || !isMap(outside.contents)) throw new Error('not plain');
  const root = outside.contents;
  const top = documentValue(outside, file);
  const defaults = topLevel(top, root, outsideLines, file);
  const builder = new InputBuilder();
  for (const chunk of split.chunks) {
    // Line 1 is the key; the chunk's first line is line 2 of this document.
    const lines: DocumentLines = {
      lineCounter: new LineCounter(),
      toFileLine: (line) => line + chunk.firstLine - 1,
    };
    const doc = parseDocument(`identities:\n${chunk.lines.join('\n')}\n`, {
      lineCounter: lines.lineCounter,
      uniqueKeys: false,
    });
    if (doc.errors.length > 0 || !isMap(doc.contents)) throw new Error('not plain');
    const list = doc.contents.get('identities', true);
    if (!isSeq(list)) throw new Error('not plain');
    keepWrittenNumbers(doc);
    addItems(builder, doc, list, lines, defaults, file);
  }
  return withTopLevel(
    finish(builder, [file]),
    top,
    file,
    keyLines(root, outsideLines.lineCounter, outsideLines.toFileLine),
  );
}

/** The run-wide settings of a config's top level; a key left empty (null) is not given. */
function withTopLevel(
  out: FleetInput,
  top: Record<string, unknown>,
  file: string,
  lineOfKey: LineOfKey,
): FleetInput {
  const given = Object.fromEntries(
    Object.entries(top).filter(
      ([key, value]) => value !== null && key !== 'defaults' && key !== 'identities',
    ),
  );
  const settings = readConfigKeys(
    given,
    TOP_LEVEL_SCOPES,
    file,
    () => {
      // topLevel() has rejected unknown keys already.
    },
    lineOfKey,
  ) as Pick<
    FleetInput,
    | 'resolvers'
    | 'concurrency'
    | 'dnsConcurrency'
    | 'threads'
    | 'timeoutMs'
    | 'checks'
    | 'policy'
    | 'dqsKey'
    | 'blocklists'
  >;
  return { ...out, ...settings };
}

export function readFleetConfig(path: string): FleetInput {
  return parseFleetConfig(readBounded(path, 'fleet config'), path);
}

/** Concurrency from a flag or config: an integer from 1 to MAX_FLEET_CONCURRENCY. */
export function checkConcurrency(value: unknown, what = '--concurrency'): number {
  const range = flagOf('fleet', 'concurrency').range;
  if (!range) throw new Error('--concurrency has no range');
  return parseNumber(value, range, what);
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
    if (input.dnsConcurrency !== undefined) merged.dnsConcurrency = input.dnsConcurrency;
    if (input.threads !== undefined) merged.threads = input.threads;
    if (input.timeoutMs !== undefined) merged.timeoutMs = input.timeoutMs;
    if (input.checks) merged.checks = input.checks;
    if (input.policy !== undefined) merged.policy = input.policy;
    if (input.dqsKey !== undefined) merged.dqsKey = input.dqsKey;
    if (input.blocklists) merged.blocklists = input.blocklists;
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

/** "a, b and c" */
function andList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What an audit config holds that a fleet config takes at its top level only. */
const RUN_WIDE = configuredOptions(['run']);

/** An identity mapping: the audit config keys (aliases included) minus the run-wide ones. */
function identityFields(value: unknown, where: string, lineOfKey?: LineOfKey): Partial<TargetInput> {
  const config = configFromObject(value, where, lineOfKey);
  if (RUN_WIDE.some((o) => fieldOf(o.config) in config))
    throw new UsageError(
      `${where}: ${andList(RUN_WIDE.map((o) => o.config.key))} belong at the top of the config`,
    );
  return config;
}

function toJs(convert: () => unknown, file: string, line: number): unknown {
  try {
    return convert();
  } catch (err) {
    throw new UsageError(`${file} line ${line}: ${(err as Error).message.split('\n')[0]}`);
  }
}
