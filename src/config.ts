/** Sending identity described once, in YAML or JSON (`--config FILE`). */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';
import type { TargetInput } from './target.js';

/** Config files are small; a bigger one is a mistake or hostile. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface AuditConfig extends Partial<TargetInput> {
  resolvers?: string[];
  timeoutMs?: number;
}

const KEYS: Record<string, keyof AuditConfig> = {
  domain: 'domain',
  ip: 'ips',
  ips: 'ips',
  helo: 'helo',
  'mail-from': 'mailFrom',
  mailFrom: 'mailFrom',
  'dkim-domain': 'dkimDomain',
  dkimDomain: 'dkimDomain',
  'dkim-selector': 'dkimSelectors',
  'dkim-selectors': 'dkimSelectors',
  dkimSelectors: 'dkimSelectors',
  selectors: 'dkimSelectors',
  profile: 'profile',
  'dkim-discovery': 'dkimDiscovery',
  dkimDiscovery: 'dkimDiscovery',
  resolver: 'resolvers',
  resolvers: 'resolvers',
  timeout: 'timeoutMs',
  timeoutMs: 'timeoutMs',
};

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
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 }); // YAML is a superset of JSON
  } catch (err) {
    throw new UsageError(
      `config ${path} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return configFromObject(data, path);
}

export function configFromObject(data: unknown, where = 'config'): AuditConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${where}: expected a mapping of options`);
  }
  const out: AuditConfig = {};
  for (const [key, value] of Object.entries(data)) {
    const field = KEYS[key];
    if (!field) throw new UsageError(`${where}: unknown option "${key}"`);
    if (field === 'ips' || field === 'dkimSelectors' || field === 'resolvers') {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string'))
        throw new UsageError(`${where}: "${key}" must be a string or a list of strings`);
      (out as Record<string, unknown>)[field] = list;
    } else if (field === 'dkimDiscovery') {
      if (typeof value !== 'boolean') throw new UsageError(`${where}: "${key}" must be true or false`);
      out.dkimDiscovery = value;
    } else if (field === 'timeoutMs') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${where}: "${key}" must be a positive number of milliseconds`);
      }
      out.timeoutMs = value;
    } else {
      if (typeof value !== 'string') throw new UsageError(`${where}: "${key}" must be a string`);
      (out as Record<string, unknown>)[field] = value;
    }
  }
  return out;
}
