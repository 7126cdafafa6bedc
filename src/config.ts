/** Sending identity described once, in YAML or JSON (`--config FILE`). */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from './errors.js';
import { type LineOfKey, lineSuffix, readConfigKeys } from './options/config-keys.js';
import type { ConfigScope } from './options/table.js';
import { keepWrittenNumbers, keyLines } from './options/yaml-config.js';
import type { TargetInput } from './target.js';

/** Config files are small; a bigger one is a mistake or hostile. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Bound on aliases in a config (billion-laughs guard). */
export const MAX_CONFIG_ALIASES = 100;

/** What an audit --config file holds (a fleet identity holds the `identity` scope only). */
export const AUDIT_CONFIG_SCOPES: readonly ConfigScope[] = ['identity', 'run', 'audit-run'];

export interface AuditConfig extends Partial<TargetInput> {
  resolvers?: string[];
  timeoutMs?: number;
  /** --overlay files, as written in the config (relative to the config file). */
  overlays?: string[];
  /** The policy file (`policy:`), relative to the working directory. */
  policy?: string;
  dqsKey?: string;
  blocklists?: string[];
}

export function readConfigFile(path: string): AuditConfig {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_CONFIG_BYTES)
      throw new UsageError(`config ${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let data: unknown;
  try {
    // YAML is a superset of JSON. Nesting past the stack overflows the parser itself (a
    // RangeError, found by test/fuzz): bad input like any other.
    doc = parseDocument(text, { lineCounter });
    const error = doc.errors[0];
    if (error) throw error;
    keepWrittenNumbers(doc);
    data = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
  } catch (err) {
    throw new UsageError(
      `config ${path} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return configFromObject(data, path, keyLines(doc.contents, lineCounter));
}

/**
 * An audit config: identity keys and run-wide ones (see src/cli/options.ts), any spelling.
 * `lineOf` names the line of a bad value when the config came from a file.
 */
export function configFromObject(data: unknown, where = 'config', lineOf?: LineOfKey): AuditConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${where}: expected a mapping of options`);
  }
  return readConfigKeys(
    data as Record<string, unknown>,
    AUDIT_CONFIG_SCOPES,
    where,
    (key) => {
      throw new UsageError(`${where}: unknown option "${key}"${lineSuffix(lineOf?.(key))}`);
    },
    lineOf,
  ) as AuditConfig;
}
